"""Names Wagtail's own migrations create in English, shown to editors in the admin: in Japanese.

Wagtail makes a "Moderators approval" workflow and task for the whole tree (curricula and
know-how are submitted to it: 「Moderators approvalに提出する」), a root page and a root
collection (images, documents) called "Root".
"""

from django.db import migrations

NAMES = {
    "workflow": ("Moderators approval", "公開の承認"),
    "task": ("Moderators approval", "編集者・事務局の承認"),
    "root": ("Root", "ルート"),
    "collection": ("Root", "すべて"),
}


def to_japanese(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=NAMES["workflow"][0]).update(
        name=NAMES["workflow"][1]
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=NAMES["task"][0]).update(
        name=NAMES["task"][1]
    )
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title=NAMES["root"][0]).update(
        title=NAMES["root"][1], draft_title=NAMES["root"][1]
    )
    apps.get_model("wagtailcore", "Collection").objects.filter(
        depth=1, name=NAMES["collection"][0]
    ).update(name=NAMES["collection"][1])


def to_english(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=NAMES["workflow"][1]).update(
        name=NAMES["workflow"][0]
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=NAMES["task"][1]).update(
        name=NAMES["task"][0]
    )
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title=NAMES["root"][1]).update(
        title=NAMES["root"][0], draft_title=NAMES["root"][0]
    )
    apps.get_model("wagtailcore", "Collection").objects.filter(
        depth=1, name=NAMES["collection"][1]
    ).update(name=NAMES["collection"][0])


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0002_approval_votes"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(to_japanese, to_english)]
