"""Indexes for the public pages' reads of cases: the newest, the k rule's peers, related cases."""

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
        migrations.AddIndex(
            model_name="casepage",
            index=models.Index(fields=["scale_phase", "region"], name="cases_scale_region_idx"),
        ),
    ]
