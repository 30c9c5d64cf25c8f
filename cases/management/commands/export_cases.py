import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from cases.interchange import export_cases


class Command(BaseCommand):
    help = "すべての事例を事例交換形式（JSON Lines）で書き出します。ファイル名を省くと標準出力に出します。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="書き出し先（省略時は標準出力）")

    def handle(self, *args, file=None, **options):
        lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in export_cases())
        if not file:
            for line in lines:
                self.stdout.write(line, ending="")
            return
        # Write to a temporary file and rename, so a failed export never leaves half a file.
        target = Path(file).resolve()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".jsonl")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                count = 0
                for line in lines:
                    out.write(line)
                    count += 1
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.stderr.write(self.style.SUCCESS(f"{count} 件を書き出しました: {target}"))
