import time

from django.core.management.base import BaseCommand

from search import service
from search.types import SearchUnavailable


class Command(BaseCommand):
    help = "検索インデックスの更新待ちを処理し続けます（索引を書き込む唯一のプロセス）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="1 回処理して終了する")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, once, interval, **options):
        while True:
            try:
                done = service.drain_outbox()
                if done:
                    self.stdout.write(f"{done} 件を索引に反映しました")
            except SearchUnavailable as exc:
                self.stderr.write(f"索引を更新できません（再試行します）: {exc}")
            if once:
                return
            time.sleep(interval)
