from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from pagecache.generation import invalidate


class Command(BaseCommand):
    help = _(
        "公開ページのキャッシュ（アプリとプロキシ）を無効にします。"
        "Wagtail の公開操作を通らずにデータを変えたとき（SQL での修正、一括投入）に使います。"
    )

    def handle(self, *args, **options):
        invalidate(reason="pagecache_invalidate command")
        self.stdout.write(_("公開ページのキャッシュを無効にしました。"))
