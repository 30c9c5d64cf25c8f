from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dispatch import interchange


class Command(BaseCommand):
    help = (
        "支援員登録簿・派遣依頼の交換形式（docs/registry-format.md）のファイルを取り込みます。"
        "1 件でも不正なら、どのファイルも取り込みません。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", help="supporters.* / requests.*（.jsonl .csv .xlsx）"
        )
        parser.add_argument(
            "--kind", choices=interchange.KINDS, help="ファイル名で判別できないときの種類"
        )

    def handle(self, *args, files, kind, **options):
        loaded = []
        for name in files:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                raise CommandError(f"ファイルを読めません: {name}（{exc.strerror}）") from exc
            file_kind = kind or interchange.kind_from_name(name)
            if file_kind is None:
                raise CommandError(
                    f"{name}: 種類が分かりません。名前を supporters.* か requests.* にするか --kind を指定してください。"
                )
            loaded.append((name, file_kind, data))
        # Supporters before requests; all files in one transaction (all or nothing).
        loaded.sort(key=lambda item: interchange.KINDS.index(item[1]))
        problems = []
        try:
            with transaction.atomic():
                reports = []
                for name, file_kind, data in loaded:
                    try:
                        _kind, report = interchange.import_file(data, name=name, kind=file_kind)
                    except interchange.RegistryError as exc:
                        problems += [f"{name}: {p}" for p in exc.problems]
                        continue
                    reports.append((name, report))
                if problems:
                    raise interchange.RegistryError(problems)
        except interchange.RegistryError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} 件の問題があるため、何も取り込みませんでした。"
            ) from exc
        for name, report in reports:
            self.stdout.write(
                self.style.SUCCESS(f"{name}: 新規 {report.created} 件、更新 {report.updated} 件")
            )
