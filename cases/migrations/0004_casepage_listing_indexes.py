"""Indexes for the public pages' reads of cases: the newest, per industry, the k rule's peers."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_prefecture_disclosure"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="casepage",
            index=models.Index(fields=["published_on"], name="cases_published_on_idx"),
        ),
        migrations.AddIndex(
            model_name="casepage",
            index=models.Index(fields=["industry", "prefecture"], name="cases_industry_pref_idx"),
        ),
    ]
