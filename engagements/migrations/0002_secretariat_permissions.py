from django.db import migrations

# The secretariat registers organisations and engagements in the admin; nobody else edits them.
MODELS = [("accounts", "organisation"), ("engagements", "engagement")]


def grant(apps, schema_editor):
    from accounts.roles import SECRETARIAT

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group = Group.objects.get(name=SECRETARIAT)
    for app_label, model in MODELS:
        ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for action in ("add", "change", "view"):
            perm, _ = Permission.objects.get_or_create(
                content_type=ct,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
