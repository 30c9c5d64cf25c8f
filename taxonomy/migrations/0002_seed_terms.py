from django.db import migrations


def seed(apps, schema_editor):
    from taxonomy.vocabularies import SEED

    Term = apps.get_model("taxonomy", "Term")
    for vocabulary, rows in SEED.items():
        for order, row in enumerate(rows):
            code, label, *rest = row
            defaults = {"label": label, "sort_order": order}
            if vocabulary == "prefecture":
                defaults["parent"] = rest[0]
            elif rest:
                defaults["short_label"] = rest[0]
            Term.objects.update_or_create(vocabulary=vocabulary, code=code, defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
