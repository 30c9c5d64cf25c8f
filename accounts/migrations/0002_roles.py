from django.db import migrations

# Model permissions per role; page permissions are granted on the page tree (core 0002).
EDITOR_MODELS = [
    ("taxonomy", "term", ["change", "view"]),
    ("wagtailimages", "image", ["add", "change", "view", "choose"]),
    ("wagtaildocs", "document", ["add", "change", "view", "choose"]),
]


def create_roles(apps, schema_editor):
    from accounts.roles import ALL_ROLES, EDITOR, SECRETARIAT, TRAINER

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}
    admin_access, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")[0],
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    for role in (SECRETARIAT, EDITOR, TRAINER):
        groups[role].permissions.add(admin_access)
    for app_label, model, actions in EDITOR_MODELS:
        ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for action in actions:
            perm, _ = Permission.objects.get_or_create(
                content_type=ct, codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            for role in (SECRETARIAT, EDITOR):
                groups[role].permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
