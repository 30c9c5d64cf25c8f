from django.db import migrations

# One-way groups: a broader word also finds the narrower ones, never the reverse (a search for
# 農業 should not bring up fishing). The seeded 一次産業 group gains its narrower words if nobody
# has edited it; otherwise they come as a group of their own.
PRIMARY_SEEDED = "一次産業、第一次産業、農林水産業、農林漁業"
PRIMARY_ONE_WAY = f"{PRIMARY_SEEDED} => 農業、林業、漁業、水産業、畜産業"
LISTENING = "傾聴 => 耳を傾ける"


def add(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    if not Synonym.objects.filter(terms=PRIMARY_SEEDED).update(terms=PRIMARY_ONE_WAY):
        Synonym.objects.get_or_create(terms=PRIMARY_ONE_WAY, defaults={"note": "一方向"})
    Synonym.objects.get_or_create(terms=LISTENING, defaults={"note": "言い換え（一方向）"})


def remove(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(terms=LISTENING).delete()
    Synonym.objects.filter(terms=PRIMARY_ONE_WAY).update(terms=PRIMARY_SEEDED)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_more_domain_synonyms")]
    operations = [migrations.RunPython(add, remove)]
