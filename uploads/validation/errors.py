"""The refusals that more than one check gives, each with its Japanese message and code.

A message says what is wrong and what to do about it; the code is what tests and callers
compare. Refusals that only one check gives stay next to that check.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .limits import MAX_PIXELS, MB
from .sniffing import SNIFF_LABELS


def refusal(message: str, code: str, **params: str) -> ValidationError:
    """A ValidationError as every check raises it (no params: the message is used as it is)."""
    return ValidationError(message, code=code, params=params or None)


def heic() -> ValidationError:
    return refusal(
        _(
            "HEIC 形式の写真はそのままでは登録できません。JPEG に変換してからアップロードしてください"
            "（iPhone では「設定」→「カメラ」→「フォーマット」で「互換性優先」を選ぶと JPEG で撮影されます）。"
        ),
        "heic",
    )


def megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB"


def too_large(kind: str, size: int, limit: int) -> ValidationError:
    if kind == "image":
        message = _(
            "ファイルが大きすぎます（%(size)s）。画像は %(limit)s までです。"
            "画像を縮小してからアップロードしてください。"
        )
    else:
        message = _(
            "ファイルが大きすぎます（%(size)s）。文書は %(limit)s までです。"
            "画像を圧縮するか、ファイルを分割してからアップロードしてください。"
        )
    return refusal(message, "too_large", size=megabytes(size), limit=megabytes(limit))


def mismatch(extension: str, actual: str | None) -> ValidationError:
    if actual in SNIFF_LABELS:
        return refusal(
            _(
                "ファイルの中身が拡張子（.%(ext)s）と一致しません（中身は %(actual)s のようです）。"
                "正しい形式で保存し直してからアップロードしてください。"
            ),
            "mismatch",
            ext=extension,
            actual=SNIFF_LABELS[actual],
        )
    return refusal(
        _(
            "ファイルの中身が拡張子（.%(ext)s）と一致しません。"
            "正しい形式で保存し直してからアップロードしてください。"
        ),
        "mismatch",
        ext=extension,
    )


def broken(extension: str) -> ValidationError:
    return refusal(
        _(
            "ファイル（.%(ext)s）が壊れているため読み込めませんでした。"
            "元のアプリで開いて保存し直してからアップロードしてください。"
        ),
        "broken",
        ext=extension,
    )


def too_many_pixels(width: int, height: int, pil_format: str) -> ValidationError:
    limit = f"{MAX_PIXELS[pil_format] // 10_000:,}"
    if not width or not height:
        return refusal(
            _(
                "画像の画素数が多すぎます。%(limit)s 万画素以下に縮小してからアップロードしてください。"
            ),
            "too_many_pixels",
            limit=limit,
        )
    return refusal(
        _(
            "画像の画素数が多すぎます（%(width)s×%(height)s）。"
            "%(limit)s 万画素以下に縮小してからアップロードしてください。"
        ),
        "too_many_pixels",
        limit=limit,
        width=f"{width:,}",
        height=f"{height:,}",
    )


def unsafe_archive(reason: str) -> ValidationError:
    return refusal(
        _(
            "このファイルは安全に開けない構造のため登録できません（%(reason)s）。"
            "元のアプリで開いて、通常の形式で保存し直してからアップロードしてください。"
        ),
        "unsafe_archive",
        reason=reason,
    )


def macro(extension: str) -> ValidationError:
    return refusal(
        _(
            "マクロ（VBA）を含むファイルは登録できません。"
            "マクロを削除し、.%(ext)s 形式で保存し直してからアップロードしてください。"
        ),
        "macro",
        ext=extension,
    )


def embedded_object() -> ValidationError:
    return refusal(
        _(
            "埋め込みオブジェクト（ActiveX コントロールや OLE オブジェクト）を含むファイルは登録できません。"
            "埋め込みオブジェクトを削除して保存し直してからアップロードしてください。"
        ),
        "embedded_object",
    )


def xml_dtd() -> ValidationError:
    return refusal(
        _(
            "ファイル内の XML に DTD（独自のエンティティ定義や外部参照）が含まれているため登録できません。"
            "元のアプリで開いて、通常の形式で保存し直してからアップロードしてください。"
        ),
        "xml_dtd",
    )
