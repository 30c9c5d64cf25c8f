# HomePage and StandardPage moved to the home app (the site layer, docs/architecture.md).
# Only Django's state changes here: the tables stay as they are and become the home app's
# (home/migrations/0001, which also moves the content types, so every page keeps its type).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='HomePage'),
                migrations.DeleteModel(name='StandardPage'),
            ],
            database_operations=[],
        ),
    ]
