import json

from django.core.management.base import BaseCommand, CommandError

from dispatch.matching import match
from dispatch.models import DispatchRequest


class Command(BaseCommand):
    help = "派遣依頼に合う支援員の候補（順位と理由）と除外した支援員（理由）を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("request_id", help="派遣依頼の ID（例: req-0001）")
        parser.add_argument("--json", action="store_true", help="JSON で出力する")

    def handle(self, *args, request_id, json: bool, **options):
        try:
            request = DispatchRequest.objects.get(external_id=request_id)
        except DispatchRequest.DoesNotExist as exc:
            raise CommandError(f"派遣依頼が見つかりません: {request_id}") from exc
        result = match(request)
        if json:
            self.stdout.write(_dumps(result.as_dict()))
            return
        self.stdout.write(f"派遣依頼 {request.external_id}（{request.company_name}）")
        self.stdout.write(f"候補 {len(result.candidates)} 人")
        for c in result.candidates:
            self.stdout.write(
                f"  {c.rank:>3}. {c.supporter.external_id} {c.supporter.name}（{c.score}）"
            )
            for reason in c.reasons:
                self.stdout.write(f"       - {reason}")
        self.stdout.write(f"除外 {len(result.excluded)} 人")
        for e in result.excluded:
            self.stdout.write(f"  {e.supporter.external_id} {e.supporter.name}")
            for reason in e.reasons:
                self.stdout.write(f"       - {reason}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
