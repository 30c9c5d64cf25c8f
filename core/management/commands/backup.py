from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import env
from core import backup


def backup_directory(value: str | None) -> Path:
    return Path(value or env.get("BACKUP_DIR") or Path(settings.BASE_DIR) / "var" / "backups")


def key_from(options) -> "backup.Fernet | None":
    key_file = options.get("key_file")
    return backup.load_key(
        value=None if key_file else env.get("BACKUP_KEY"),
        key_file=Path(key_file) if key_file else None,
    )


class Command(BaseCommand):
    help = (
        "データベースと MEDIA_ROOT・PRIVATE_MEDIA_ROOT のファイルを、日付入りでチェックサム付きの"
        "アーカイブ 1 つに書き出します（鍵があれば暗号化）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            help="書き出し先のフォルダー（既定: 環境変数 BACKUP_DIR、なければ var/backups）",
        )
        parser.add_argument(
            "--key-file", help="暗号化の鍵（Fernet）のファイル。省略時は環境変数 BACKUP_KEY"
        )
        parser.add_argument(
            "--keep", type=int, help="新しいものから N 個だけ残し、古いアーカイブを削除する"
        )
        parser.add_argument(
            "--keep-days", type=int, help="N 日より古いアーカイブを削除する（最新の 1 個は残す）"
        )

    def handle(self, *args, **options):
        for name in ("keep", "keep_days"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} には 1 以上を指定してください。")
        directory = backup_directory(options["dir"])
        try:
            fernet = key_from(options)
            path = backup.create_backup(directory=directory, fernet=fernet)
            removed = []
            if options["keep"] is not None or options["keep_days"] is not None:
                removed = backup.prune(
                    directory=directory, keep=options["keep"], keep_days=options["keep_days"]
                )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if fernet is None:
            self.stderr.write(
                "注意: 鍵（BACKUP_KEY または --key-file）がないため、暗号化していません。"
            )
        for old in removed:
            self.stdout.write(f"古いアーカイブを削除しました: {old.name}")
        self.stdout.write(self.style.SUCCESS(f"バックアップを作成しました: {path}"))
