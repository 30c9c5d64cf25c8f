from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import create_demo_accounts
from dispatch.demo import load_dispatch
from home.demo.content import DemoDataError, load_curriculum, load_knowhow
from home.demo.engagements import load_engagements

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "デモ用の事例・ノウハウ・研修カリキュラムを fixtures/ から読み込みます（何度実行しても安全）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts",
            action="store_true",
            help="役割ごとのデモアカウントとデモの伴走支援案件も作ります（開発用。DEBUG 時は常に作ります）。",
        )

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
        if settings.DEBUG or options["accounts"]:
            self._demo_accounts()
        call_command("search_rebuild", "--no-progress", stdout=self.stdout)

    def _demo_accounts(self):
        # Demo accounts share a published password: never on a production database.
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("本番設定ではデモアカウントを作成できません。")
        create_demo_accounts(self.stdout, allow=True)
        counts = load_engagements()
        dispatch_counts = load_dispatch()
        self.stdout.write(
            self.style.SUCCESS(
                f"デモアカウント {counts['people']} 件、伴走支援案件 {counts['engagements']} 件を用意しました。"
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"支援員登録簿 {dispatch_counts['supporters']} 人、派遣依頼 {dispatch_counts['requests']} 件、"
                f"支援要請 {dispatch_counts['support']} 件を追加しました。"
            )
        )
