import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dispatch import interchange


class Command(BaseCommand):
    help = "支援員登録簿と派遣依頼を DIR/supporters.jsonl と DIR/requests.jsonl に書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="書き出し先のフォルダー")

    def handle(self, *args, directory, **options):
        target = Path(directory)
        if not target.is_dir():
            raise CommandError(f"フォルダーがありません: {directory}")
        for kind in interchange.KINDS:
            objects = interchange.export_objects(kind)
            path = target / f"{kind}.jsonl"
            # Written beside and renamed: a reader never sees half a file.
            fd, temp = tempfile.mkstemp(dir=target, prefix=f".{kind}-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(interchange.to_jsonl(objects))
                os.chmod(temp, 0o600)  # personal data
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
            self.stdout.write(self.style.SUCCESS(f"{path}: {len(objects)} 件"))
