import resource
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import documents, service


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest worker, in MB (Linux: kB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


class Command(BaseCommand):
    help = "検索インデックスを新しく作り直し、完成したら切り替えます（作成中も検索は使えます）。"

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="進捗バーを表示しない")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="文書の読み込みと解析を行うプロセス数（既定: CPU コア数、最大 2。1 で並列化なし）",
        )

    def handle(self, *args, no_progress, workers, **options):
        if workers is not None and workers < 1:
            raise CommandError("--workers には 1 以上の数を指定してください")
        total = documents.count()
        started = time.perf_counter()
        with tqdm(
            total=total, unit="件", desc="索引作成", file=sys.stderr, disable=no_progress
        ) as bar:
            count = service.rebuild(progress=lambda: bar.update(1), workers=workers)
        elapsed = time.perf_counter() - started
        own, largest_worker = peak_rss_mb()
        self.stdout.write(
            self.style.SUCCESS(
                f"検索インデックスを再構築しました: {count} 件（{elapsed:.1f} 秒、"
                f"{count / elapsed if elapsed else 0:.0f} 件/秒）"
            )
        )
        self.stdout.write(
            f"最大メモリ使用量（RSS）: 本体 {own:.0f} MB、ワーカー {largest_worker:.0f} MB"
        )
