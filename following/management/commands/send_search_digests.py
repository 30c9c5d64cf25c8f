from django.core.management.base import BaseCommand, CommandError

from following.digest import send_digests
from following.models import SavedSearch


class Command(BaseCommand):
    help = (
        "保存した検索ごとに、前回から新しく公開された事例・ノウハウのうち検索に合うものを"
        "メール 1 通で知らせます。新着がなければ送りません。2 回続けて実行しても同じものは送りません。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[SavedSearch.Frequency.DAILY, SavedSearch.Frequency.WEEKLY],
            default=SavedSearch.Frequency.DAILY,
            help="どの頻度の検索を送るか（daily: 毎日、weekly: 毎週。既定: daily）",
        )

    def handle(self, *args, **options):
        report = send_digests(frequency=options["frequency"])
        self.stdout.write(
            f"送信 {report.sent} 通（新着 {report.items} 件）、新着なし {report.nothing_new} 件"
        )
        if report.postponed:
            self.stderr.write(
                "検索エンジンが応答しないため、次回に回しました: " + "、".join(report.postponed)
            )
        if report.failed:
            raise CommandError(
                "メールを送れませんでした（次回に再送します）: " + "、".join(report.failed)
            )
