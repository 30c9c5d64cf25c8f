import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import documents, service


class Command(BaseCommand):
    help = "検索インデックスを新しく作り直し、完成したら切り替えます（作成中も検索は使えます）。"

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="進捗バーを表示しない")

    def handle(self, *args, no_progress, **options):
        total = documents.count()
        with tqdm(
            total=total, unit="件", desc="索引作成", file=sys.stderr, disable=no_progress
        ) as bar:
            count = service.rebuild(progress=lambda: bar.update(1))
        self.stdout.write(self.style.SUCCESS(f"検索インデックスを再構築しました: {count} 件"))
