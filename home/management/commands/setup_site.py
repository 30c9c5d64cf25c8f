from django.core.management.base import BaseCommand

from home.site_setup import setup_site


class Command(BaseCommand):
    help = "ページ構成・既定サイト・役割ごとのページ権限を作成します（何度実行しても安全）。"

    def handle(self, *args, **options):
        home = setup_site()
        self.stdout.write(self.style.SUCCESS(f"サイト構成を確認しました: {home.title}"))
