from django.db import migrations

# Words supporters and owners use for the same thing. Only true equivalents: a broader word
# (社長 → 経営者, 旅館 → 宿泊業) would pull in documents about something else.
SYNONYMS = [
    ("運送業、運輸業、物流業、運送会社", "業種の言い換え"),
    ("残業、時間外労働", ""),
    ("値上げ、価格改定", ""),
    ("先入観、思い込み、固定観念", "支援者のマインド"),
    ("社員、従業員、職員", "法人・団体で呼び方が違う"),
    ("ヒアリング、聞き取り", ""),
    ("離職、退職", ""),
    ("納期遅れ、納期遅延", ""),
    ("販路開拓、販路拡大", ""),
    ("資金繰り、キャッシュフロー", ""),
    ("後継者、跡継ぎ、後継ぎ", ""),
    ("小規模事業者、小規模企業、零細企業", ""),
    ("一次産業、第一次産業、農林水産業、農林漁業", ""),
    ("業務フロー図、業務フロー、フローチャート", ""),
    ("関連図、連関図", "ツール名の揺れ"),
    ("ビジョン、将来像、目指す姿", ""),
    ("時間配分、タイムプラン", "訪問の進め方"),
    ("伴走支援、伴走型支援", ""),
    ("中小企業診断士、診断士", "略称"),
]
# Supporters mostly write SWOT on its own; extend the seeded group if nobody has edited it.
SWOT_SEEDED = "SWOT分析、スウォット分析"
SWOT_EXTENDED = "SWOT分析、SWOT、スウォット分析"


def add(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, note in SYNONYMS:
        Synonym.objects.get_or_create(terms=terms, defaults={"note": note})
    if not Synonym.objects.filter(terms=SWOT_SEEDED).update(terms=SWOT_EXTENDED):
        Synonym.objects.get_or_create(terms="SWOT分析、SWOT", defaults={"note": "略称"})


def remove(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(terms__in=[t for t, _ in SYNONYMS] + ["SWOT分析、SWOT"]).delete()
    Synonym.objects.filter(terms=SWOT_EXTENDED).update(terms=SWOT_SEEDED)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_domain_synonyms")]
    operations = [migrations.RunPython(add, remove)]
