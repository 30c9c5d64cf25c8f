from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from search import documents, service, tasks
from search.models import SearchOutbox
from search.types import SearchUnavailable

# Due rows older than this mean nobody drains the outbox (is search_worker running?).
STALE_AFTER = timedelta(minutes=10)


class Command(BaseCommand):
    help = (
        "検索の状態を調べます（接続、バージョン、プラグイン、エイリアス、索引の形式、更新待ち）。"
        "問題がなければ終了コード 0、あれば 1 を返します。"
    )

    def handle(self, *args, **options):
        results = self.engine() + self.outbox()
        for ok, message in results:
            mark = self.style.SUCCESS("OK  ") if ok else self.style.ERROR("NG  ")
            self.stdout.write(f"{mark}{message}")
        problems = sum(not ok for ok, _ in results)
        if problems:
            self.stderr.write(self.style.ERROR(f"{problems} 件の問題があります"))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("検索は正常です"))

    def engine(self) -> list[tuple[bool, str]]:
        backend = service.backend()
        check = getattr(backend, "check", None)
        results = list(check()) if check else []
        if any(not ok for ok, _ in results):
            return results
        # Both backends: the index opens and holds what the database publishes.
        try:
            indexed = len(backend.versions())
        except SearchUnavailable as exc:
            return [*results, (False, f"検索インデックスを読めません: {exc}")]
        expected = documents.count()
        line = f"{backend.name} の索引: {indexed} 件（公開中のページ {expected} 件）"
        if indexed != expected and not SearchOutbox.objects.exists():
            return [
                *results,
                (False, f"{line}。件数が違います（manage.py search_reconcile で調べられます）"),
            ]
        return [*results, (True, line)]

    def outbox(self) -> list[tuple[bool, str]]:
        now = timezone.now()
        results = []
        held = SearchOutbox.objects.filter(held=True).order_by("id")
        if held.exists():
            examples = "; ".join(f"ページ {r.page_id}: {r.last_error[:200]}" for r in held[:5])
            results.append(
                (
                    False,
                    f"検索エンジンが受け付けなかった更新が {held.count()} 件あります（{examples}）。"
                    "原因を直したら manage.py search_worker --retry-held で再試行します",
                )
            )
        waiting = SearchOutbox.objects.filter(held=False, next_attempt_at__gt=now)
        if waiting.exists():
            last = waiting.order_by("-id").first()
            results.append(
                (
                    False,
                    f"失敗して再試行を待っている更新が {waiting.count()} 件あります"
                    f"（最後のエラー: {last.last_error[:200]}）",
                )
            )
        due = tasks.due_rows(now)
        oldest = due.order_by("created_at").first()
        if oldest and now - oldest.created_at > STALE_AFTER:
            results.append(
                (
                    False,
                    f"{due.count()} 件の更新が {oldest.created_at:%Y-%m-%d %H:%M} から処理されていません"
                    "（search_worker は動いていますか）",
                )
            )
        if not results:
            results.append((True, f"更新待ち: {due.count()} 件"))
        return results
