# HomePage and StandardPage, moved here from core/ (core/migrations/0002). Their tables keep
# the names they had (core_homepage, core_standardpage): only Django's state is created here.
# The content types move with them, so existing pages, their permissions and revisions keep
# pointing at the right model; a fresh database has none yet and gets home's from post_migrate.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ('homepage', 'standardpage')


def move_content_types(apps, schema_editor, source='core', target='home'):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        # A row for the target can only be left over from a partial earlier run (nothing
        # refers to it): the one the pages use wins.
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(using=db, update_fields=['app_label'])
    ContentType.objects.clear_cache()


def move_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source='home', target='core')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_pages_move_to_home'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HomePage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('intro', models.TextField(blank=True, verbose_name='紹介文')),
                    ],
                    options={
                        'verbose_name': 'トップページ',
                        'db_table': 'core_homepage',
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='StandardPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('body', models.TextField(blank=True, verbose_name='本文（Markdown）')),
                    ],
                    options={
                        'verbose_name': '標準ページ',
                        'db_table': 'core_standardpage',
                    },
                    bases=('wagtailcore.page',),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_back),
    ]
