import resource
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases.interchange import InterchangeError, import_cases

PROGRESS_FROM = 50  # lines; shorter files finish before a bar would help


class Command(BaseCommand):
    help = "事例交換形式（JSON Lines）のファイルから事例を一括で取り込みます。1 件でも不正なら何も取り込みません。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="取り込む .jsonl ファイル（- で標準入力）")
        parser.add_argument("--no-progress", action="store_true", help="進捗バーを表示しない")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="公開前チェックを行うプロセス数（既定: CPU コア数、最大 2。1 で並列化なし）",
        )

    def handle(self, *args, file, no_progress, workers, **options):
        if workers is not None and workers < 1:
            raise CommandError("--workers には 1 以上の数を指定してください")
        started = time.perf_counter()
        try:
            if file == "-":
                lines = sys.stdin.read().splitlines()
            else:
                lines = Path(file).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError as exc:
            raise CommandError(f"ファイルが見つかりません: {file}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"UTF-8 として読めません: {file}（{exc.start} バイト目）") from exc

        count = sum(1 for line in lines if line.strip())
        bar = tqdm(
            total=count,
            unit="件",
            desc="取り込み",
            file=sys.stderr,
            disable=no_progress or count < PROGRESS_FROM,
        )
        try:
            report = import_cases(lines, progress=bar.update, workers=workers)
        except InterchangeError as exc:
            bar.close()
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} 件の問題があるため、何も取り込みませんでした。"
            ) from exc
        bar.close()
        for line in report.held_back:
            self.stderr.write(self.style.WARNING(line))
        self.stdout.write(
            self.style.SUCCESS(
                f"取り込み完了: 新規 {report.created} 件、更新 {report.updated} 件"
                f"（公開 {report.published} 件、下書き {report.drafts} 件）"
            )
        )
        elapsed = time.perf_counter() - started
        # ru_maxrss is in kB on Linux; the workers' peak is that of the largest one.
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        self.stdout.write(
            f"所要時間 {elapsed:.1f} 秒（{count / elapsed if elapsed else 0:.0f} 件/秒）、"
            f"最大メモリ使用量（RSS）: 本体 {own:.0f} MB、ワーカー {workers_peak:.0f} MB"
        )
