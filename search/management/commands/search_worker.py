import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone

from search import tasks

logger = logging.getLogger("search.worker")

# After a failed pass the worker waits interval × 2, × 4, … up to this many seconds: an engine
# that is down is not asked again every second, and one that is back is found within a minute.
MAX_PAUSE = 60.0


class Command(BaseCommand):
    help = "検索インデックスの更新待ちを処理し続けます（索引を書き込む唯一のプロセス）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="1 回処理して終了する")
        parser.add_argument("--interval", type=float, default=1.0, help="待ち時間（秒）")
        parser.add_argument(
            "--retry-held",
            action="store_true",
            help="保留中の更新（検索エンジンが受け付けなかったもの）を再試行の対象に戻す",
        )

    def handle(self, *args, once, interval, retry_held, **options):
        if retry_held:
            count = tasks.retry_held()
            self.stdout.write(f"保留中の更新 {count} 件を再試行の対象に戻しました")
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            # docker stop sends SIGTERM: finish the batch under way, then leave.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        self.loop(once=once, interval=interval, stop=stop)

    def loop(
        self,
        *,
        once: bool = False,
        interval: float = 1.0,
        stop: threading.Event | None = None,
        sleep: Callable[[float], object] | None = None,
        now: Callable[[], datetime] = timezone.now,
    ) -> None:
        """Drain, wait, repeat, whatever goes wrong (the errors are logged and reported)."""
        stop = stop or threading.Event()
        sleep = sleep or stop.wait
        failed_passes = 0
        while not stop.is_set():
            if not connection.in_atomic_block:
                # A database that went away is reconnected next pass. (Inside a transaction,
                # as in the tests, Django would count the connection as obsolete and drop it.)
                close_old_connections()
            try:
                report = tasks.drain(now=now())
            except Exception as exc:
                failed_passes += 1
                pause = min(interval * 2**failed_passes, MAX_PAUSE)
                logger.warning("search worker: pass failed, next in %.0f s", pause, exc_info=True)
                self.stderr.write(f"索引を更新できません（{pause:.0f} 秒後に再試行します）: {exc}")
            else:
                failed_passes = 0
                pause = interval
                if report.applied:
                    self.stdout.write(f"{report.applied} 件を索引に反映しました")
                if report.retrying:
                    self.stderr.write(f"{report.retrying} 件は失敗したため後で再試行します")
                if report.held:
                    self.stderr.write(
                        f"{report.held} 件は検索エンジンが受け付けなかったため保留しました"
                        "（manage.py search_check で確認できます）"
                    )
            if once:
                return
            sleep(pause)
