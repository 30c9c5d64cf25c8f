from django.conf import settings
from django.core.management.base import BaseCommand

from search import analytics


class Command(BaseCommand):
    help = (
        "検索ログのうち保存期間（SEARCH_LOG_RETENTION_DAYS 日、既定 180 日）を過ぎた行を削除します。"
        "何度実行しても結果は同じです。"
    )

    def handle(self, *args, **options):
        deleted = analytics.purge()
        self.stdout.write(
            f"{settings.SEARCH_LOG_RETENTION_DAYS} 日より古い検索ログを {deleted} 件削除しました"
        )
