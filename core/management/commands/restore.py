from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core import backup
from core.management.commands.backup import key_from


class Command(BaseCommand):
    help = (
        "manage.py backup のアーカイブを空の環境に復元します。先にすべてのチェックサムを確かめ、"
        "壊れたアーカイブや違う鍵では何も変えずに止まります。最後に検索インデックスを作り直します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="復元するアーカイブ（.tar または .tar.enc）")
        parser.add_argument(
            "--key-file", help="復号の鍵（Fernet）のファイル。省略時は環境変数 BACKUP_KEY"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="アーカイブを検査するだけで、何も復元しない",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="復元先にテーブルやファイルがあっても上書きする（既存のものはすべて消えます）",
        )

    def handle(self, *args, archive, check, force, **options):
        archive = Path(archive)
        try:
            fernet = key_from(options)
            if check:
                with backup.staging_area() as staging:
                    verified = backup.verify_archive(
                        archive=archive, fernet=fernet, staging=staging
                    )
            else:
                verified = backup.restore_backup(
                    archive=archive,
                    fernet=fernet,
                    force=force,
                    rebuild_index=lambda: call_command(
                        "search_rebuild", "--no-progress", stdout=self.stdout
                    ),
                )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = {key: len(names) for key, names in verified.files.items()}
        summary = (
            f"（{verified.manifest['created_at']} 作成、データベース {verified.manifest['vendor']}、"
            f"公開ファイル {counts['media']} 個、非公開ファイル {counts['private']} 個）"
        )
        if check:
            self.stdout.write(self.style.SUCCESS(f"アーカイブは完全です{summary}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"復元しました{summary}"))
