import json
import sys

from django.core.management.base import BaseCommand, CommandError

from privacy.detect import detect

KNOWN_KEYS = ("persons", "organisations", "places")


def _request(line: str) -> tuple[str, dict[str, list[str]] | None]:
    """The text and known names of one input line; ValueError with a Japanese message if bad."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"JSON として読めません（{exc.colno} 文字目: {exc.msg}）") from exc
    if not isinstance(data, dict):
        raise ValueError("1 行に 1 つの JSON オブジェクトを書いてください")
    text = data.get("text")
    if not isinstance(text, str):
        raise ValueError("text（文字列）がありません")
    known = data.get("known")
    if known is None:
        return text, None
    if not isinstance(known, dict):
        raise ValueError("known はオブジェクトにしてください")
    unknown = sorted(set(known) - set(KNOWN_KEYS))
    if unknown:
        # A misspelt key would silently drop names the gate must catch, so it is an error.
        raise ValueError(f"known に使えないキーがあります: {', '.join(unknown)}")
    for key, names in known.items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError(f"known.{key} は文字列の配列にしてください")
    return text, known


class Command(BaseCommand):
    help = (
        '標準入力の JSON Lines（各行 {"text": ..., "known": {...}}）から個人情報らしき箇所を探し、'
        '各行に {"spans": [[開始, 終了, 種類], ...]} を書き出します。オフセットは text の文字位置です。'
    )
    # Tests pass a StringIO here through call_command(stdin=...).
    stealth_options = ("stdin",)

    def handle(self, *args, **options):
        stdin = options.get("stdin") or sys.stdin
        bad = 0
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            try:
                text, known = _request(line)
            except ValueError as exc:
                bad += 1
                self.stdout.write(
                    json.dumps({"error": f"{number} 行目: {exc}"}, ensure_ascii=False)
                )
                continue
            spans = [[f.start, f.end, f.kind] for f in detect(text, known=known)]
            self.stdout.write(json.dumps({"spans": spans}, ensure_ascii=False))
        if bad:
            raise CommandError(f"{bad} 行を読めませんでした（該当行には error を書き出しました）")
