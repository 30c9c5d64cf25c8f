from django.core.management.base import BaseCommand, CommandError

from search import service


class Command(BaseCommand):
    help = "検索インデックスとデータベースの差を調べます。--repair で差を修復します。"

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="見つかった差を修復する")

    def handle(self, *args, repair, **options):
        drift = service.reconcile(repair=repair)
        labels = {
            "missing": "索引にない",
            "stale": "古い",
            "extra": "公開されていないのに索引にある",
        }
        total = sum(len(ids) for ids in drift.values())
        for key, ids in drift.items():
            self.stdout.write(f"{labels[key]}: {len(ids)} 件 {ids[:20] if ids else ''}")
        if total and not repair:
            raise CommandError(f"{total} 件の差があります（--repair で修復できます）")
        self.stdout.write(self.style.SUCCESS("修復しました" if total else "差はありません"))
