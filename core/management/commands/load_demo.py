from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.demo import DemoDataError, load_curriculum, load_knowhow

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "デモ用の事例・ノウハウ・研修カリキュラムを fixtures/ から読み込みます（何度実行しても安全）。"

    def handle(self, *args, **options):
        call_command("setup_site", stdout=self.stdout)
        call_command(
            "import_cases", str(FIXTURES / "cases.jsonl"), stdout=self.stdout, stderr=self.stderr
        )
        try:
            articles = load_knowhow(FIXTURES / "knowhow.jsonl")
            units = load_curriculum(FIXTURES / "curriculum.json")
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"ノウハウ {articles} 件、研修ユニット {units} 件を読み込みました。")
        )
        call_command("search_rebuild", "--no-progress", stdout=self.stdout)
