"""A case pack as a print-ready A4 PDF (WeasyPrint, Japanese set in Debian's Noto CJK fonts).

The HTML comes from the template training/pdf/case_pack.html and the print rules from
training/static/training/case-pack-print.css
(page size, running footer, table of contents with target-counter page numbers). WeasyPrint
fetches nothing: the stylesheet is passed as a string and every URL is refused, so a link in a
case body can neither reach the network nor read a local file.
"""

import shutil
import subprocess
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from . import packs

PRINT_CSS = Path(__file__).resolve().parent / "static" / "training" / "case-pack-print.css"
# The family the print CSS asks for first; fonts-noto-cjk provides it (Dockerfile, .ci/run).
JAPANESE_FONT = "Noto Sans CJK JP"


@cache
def _stylesheet():
    # Imported on first use: WeasyPrint loads Pango and parses its own stylesheets on import
    # (about a second), which every other process (web requests, commands, tests) can skip.
    from weasyprint import CSS

    return CSS(string=PRINT_CSS.read_text(encoding="utf-8"))


def unavailable_reason() -> str | None:
    """Why PDFs cannot be made on this machine (None when they can): Pango or the font missing."""
    try:
        import weasyprint  # noqa: F401 - loads Pango (lazy for the reason in _stylesheet)
    except OSError as error:
        return f"WeasyPrint が Pango を読み込めません: {error}"
    if not japanese_font_installed():
        return f"日本語フォント {JAPANESE_FONT}（fonts-noto-cjk）がありません"
    return None


def japanese_font_installed() -> bool:
    """Whether fontconfig knows the Japanese font (without it WeasyPrint prints empty boxes)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [fc_list, f":family={JAPANESE_FONT}", "family"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return JAPANESE_FONT in found.stdout


def pack_html(contents: packs.Contents, *, edition: str) -> str:
    if edition not in packs.EDITIONS:
        raise ValueError(edition)
    pack = contents.pack
    unit = pack.unit.specific
    trainer = edition == packs.TRAINER
    return render_to_string(
        "training/pdf/case_pack.html",
        {
            "pack": pack,
            "unit": unit,
            "curriculum": unit.get_parent(),
            "entries": list(packs.edition_entries(contents, edition=edition)),
            "case_count": contents.case_count,
            "knowhow_count": len(contents.entries) - contents.case_count,
            "trainer_edition": trainer,
            "edition_label": packs.edition_label(edition),
            # Participants get no note at all (not hidden by the template: never passed).
            "pack_notes": pack.trainer_notes if trainer else "",
            "unit_notes": unit.trainer_notes if trainer else "",
            "made_on": timezone.localdate(),
        },
    )


def render_pdf(contents: packs.Contents, *, edition: str) -> bytes:
    """The PDF of one edition of a pack whose contents are not empty."""
    from weasyprint import HTML  # lazy: see _stylesheet
    from weasyprint.urls import URLFetcher

    html = pack_html(contents, edition=edition)
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=()))
    return document.write_pdf(stylesheets=[_stylesheet()])


def filename(pack, *, edition: str) -> str:
    """「<pack>_参加者用.pdf」: Japanese, sent with RFC 5987 (uploads.serving.file_response)."""
    return f"{pack.title}_{packs.edition_label(edition)}.pdf"
