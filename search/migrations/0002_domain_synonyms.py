from django.db import migrations

SYNONYMS = [
    ("ロカベン、ローカルベンチマーク", "略称"),
    ("傾聴と対話、対話と傾聴", "語順の違い"),
    ("見える化、可視化、見える化する", "表記の違い"),
    ("自走化、自走、自立化", "支援のゴール"),
    ("IT導入、ICT導入、デジタル化", ""),
    ("DX、デジタルトランスフォーメーション", "略称"),
    ("事業承継、事業継承、代替わり", "よくある言い換え"),
    ("価格転嫁、値上げ交渉、価格交渉", ""),
    ("人手不足、人材不足", ""),
    ("SWOT分析、スウォット分析", ""),
    ("本質的課題、真因", "ガイドラインの用語"),
    ("腹落ち、納得", ""),
]


def add(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, note in SYNONYMS:
        Synonym.objects.get_or_create(terms=terms, defaults={"note": note})


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
