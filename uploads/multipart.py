"""Keeps full-width spaces in uploaded file names.

Django's multipart parser drops every character for which str.isprintable() is false, and that
includes the ideographic space U+3000 that Japanese file names often contain (「会議　メモ.pdf」).
The programme's old system failed on exactly such names. This is Django 5.2's
MultiPartParser.sanitize_file_name with one change: space separators (Unicode category Zs) are
kept; control and format characters are still dropped. uploads.validation.safe_name cleans the
name again before it is stored.
"""

import html
import unicodedata

from django.http.multipartparser import MultiPartParser


def _keep(ch: str) -> bool:
    return ch.isprintable() or unicodedata.category(ch) == "Zs"


def sanitize_file_name(self, file_name):
    file_name = html.unescape(file_name)
    file_name = file_name.rsplit("/")[-1]
    file_name = file_name.rsplit("\\")[-1]
    file_name = "".join(ch for ch in file_name if _keep(ch))
    if file_name in {"", ".", ".."}:
        return None
    return file_name


def install() -> None:
    MultiPartParser.sanitize_file_name = sanitize_file_name
