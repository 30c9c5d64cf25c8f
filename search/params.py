"""Bounds on what a visitor may put in the query string of a public page (one place for all).

The case list, the know-how list and the JSON API read their parameters here, so nothing
unbounded reaches the search engine or the database: a page number of 300,000,000 once made
tantivy ask for 288 GB and abort the whole process, and one of 10^20 overflowed on the way to
the database. Every reader either returns a value inside its bounds or raises BadParameter, whose
message (Japanese) is shown to the visitor with a 400.

The HTML pages are forgiving where a person could have got there by following links (a page
past the end shows the last page; an unknown filter code is ignored with a notice); the API is
strict and answers 400 for anything it cannot use as given.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import facet_values
from .facets import FACETS
from .types import FACET_FIELDS, KINDS, MAX_PAGE_SIZE, MAX_RESULT_WINDOW, SORTS, max_page

MAX_QUERY_CHARS = 200  # the search box; a longer "query" is a pasted document, not a search
MAX_SUGGEST_CHARS = 50  # what is being typed
# More filter values than all codes of all vocabularies together (53 today) cannot be a choice
# made on the page; the bound keeps a query string of thousands of `industry=` from being
# normalised, looked up and echoed back one by one.
MAX_FILTER_VALUES = 100
# A page number has at most a handful of digits; longer input is not parsed at all (int() of a
# huge string costs time, and its value would overflow the engine's and the database's integers).
_MAX_DIGITS = 9
_HUGE = 10**_MAX_DIGITS  # what any longer number counts as
# NUL and the other control characters mean nothing in a search; PostgreSQL refuses NUL in a
# string literal, and they are invisible when the query is shown back.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class BadParameter(ValueError):
    """A query-string parameter that cannot be used; the message is for the visitor."""


@dataclass(frozen=True)
class SearchParams:
    """A search as the visitor asked for it, every value within bounds."""

    text: str
    filters: dict[str, list[str]]
    rejected: list[str]  # "name=value" of unknown codes (the HTML page ignores them)
    sort: str
    page: int
    page_size: int
    kinds: tuple[str, ...]


def _last(query, name: str) -> str | None:
    """The parameter's value as QueryDict.get reads it (the last one when repeated)."""
    values = query.getlist(name)
    return values[-1] if values else None


def query_text(query, name: str = "q", *, max_chars: int = MAX_QUERY_CHARS) -> str:
    """The search words: control characters become spaces; too long is a BadParameter."""
    raw = _last(query, name) or ""
    if len(raw) > max_chars:
        raise BadParameter(
            _("検索語は %(max)d 文字以内にしてください（%(name)s が %(length)d 文字です）")
            % {"max": max_chars, "name": name, "length": len(raw)}
        )
    return _CONTROL.sub(" ", raw)


def _whole_number(raw: str) -> int | None:
    """The integer written in `raw` (full-width digits too), None if it is not one. A number
    longer than _MAX_DIGITS is returned as ±_HUGE: it is out of every bound anyway, and
    converting it would cost time on long input."""
    text = unicodedata.normalize("NFKC", raw).strip()
    sign = text[:1] if text[:1] in ("+", "-") else ""
    body = text[len(sign) :]
    if not (body.isascii() and body.isdigit()):
        return None
    body = body.lstrip("0") or "0"
    value = _HUGE if len(body) > _MAX_DIGITS else int(body)
    return -value if sign == "-" else value


def integer(query, name: str, *, default: int, low: int, high: int) -> int:
    """A whole number in [low, high]; absent or empty gives `default`."""
    raw = _last(query, name)
    if raw is None or raw == "":
        return default
    value = _whole_number(raw)
    if value is None:
        raise BadParameter(
            _("%(name)s は整数で指定してください（%(value)s）")
            % {"name": name, "value": shown(raw)}
        )
    if not low <= value <= high:
        raise BadParameter(
            _("%(name)s は %(low)d〜%(high)d で指定してください")
            % {"name": name, "low": low, "high": high}
        )
    return value


def page_number(query, *, page_size: int, clamp: bool) -> int:
    """The page asked for. Beyond the last page any engine can reach (types.MAX_RESULT_WINDOW),
    `clamp` gives that last page (HTML: the caller then goes back to the last page with
    results); otherwise it is a BadParameter (API). Not a positive whole number is always one."""
    page = integer(query, "page", default=1, low=-_HUGE, high=_HUGE)
    if page < 1:
        raise BadParameter(_("page は 1 以上で指定してください"))
    last = max_page(page_size)
    if page <= last:
        return page
    if clamp:
        return last
    raise BadParameter(
        _("page は %(last)d までです（1 ページ %(size)d 件で、先頭から %(window)d 件まで）")
        % {"last": last, "size": page_size, "window": MAX_RESULT_WINDOW}
    )


def filter_codes(query, *, strict: bool) -> tuple[dict[str, list[str]], list[str]]:
    """(selected codes per filter, rejected "name=value"); unknown codes are a BadParameter
    when `strict`, too many values always are."""
    given = {name: query.getlist(name) for name in FACET_FIELDS}
    count = sum(len(values) for values in given.values())
    if count > MAX_FILTER_VALUES:
        raise BadParameter(
            _("絞り込みの条件が多すぎます（%(count)d 件。%(max)d 件まで）")
            % {"count": count, "max": MAX_FILTER_VALUES}
        )
    selected, rejected = clean_filters(given)
    rejected = [shown(value) for value in rejected]
    if strict and rejected:
        raise BadParameter(
            _("使えないコードです: %(codes)s（コードは事例交換形式のもの）")
            % {"codes": ", ".join(rejected)}
        )
    return selected, rejected


def clean_filters(params: Mapping[str, Iterable[str]]) -> tuple[dict[str, list[str]], list[str]]:
    """Keep known codes (full-width input normalised); return them and the rejected values."""
    selected: dict[str, list[str]] = {}
    rejected: list[str] = []
    for facet in FACETS:
        for raw in params.get(facet.name, ()):
            # A hashtag is matched as it is stored (its links carry it so), without the control
            # characters no stored hashtag has (XML refuses them in the feed's title); codes are
            # normalised.
            if facet.free_text:
                code = _CONTROL.sub("", raw).strip()
            else:
                code = unicodedata.normalize("NFKC", raw).strip()
            if facet.vocabulary == "industry":
                code = code.upper()
            if facet_values.is_valid(facet, code):
                if code not in selected.setdefault(facet.name, []):
                    selected[facet.name].append(code)
            elif code:
                rejected.append(f"{facet.name}={raw}")
    return {k: v for k, v in selected.items() if v}, rejected


MAX_LITERAL_WORDS = 20  # more than a query of MAX_QUERY_CHARS can hold facet words


def literal_words(query) -> tuple[str, ...]:
    """The `literal` words: words of the query the visitor wants searched as written, not read
    as a facet value (the 解除 link of 「〜で絞り込みました」, search/query_words.py); bounded."""
    words = [_CONTROL.sub(" ", w).strip() for w in query.getlist("literal")]
    words = [w for w in dict.fromkeys(words) if w]
    if len(words) > MAX_LITERAL_WORDS or any(len(w) > MAX_QUERY_CHARS for w in words):
        raise BadParameter(
            _("literal は %(max)d 語まで、1 語 %(chars)d 文字以内で指定してください")
            % {"max": MAX_LITERAL_WORDS, "chars": MAX_QUERY_CHARS}
        )
    return tuple(words)


def sort_order(query, *, text: str, strict: bool) -> str:
    """The sort key; empty means relevance for a text search, newest first otherwise."""
    default = "relevance" if text.strip() else "-published"
    sort = _last(query, "sort") or ""
    if sort in SORTS:
        return sort
    if strict and sort:
        raise BadParameter(_("sort は %(choices)s のいずれかです") % {"choices": " / ".join(SORTS)})
    return default


def result_kinds(query) -> tuple[str, ...]:
    kinds = query.getlist("type") or list(KINDS)
    if len(kinds) > len(KINDS) or set(kinds) - set(KINDS):
        raise BadParameter(_("type は %(choices)s のいずれかです") % {"choices": " / ".join(KINDS)})
    return tuple(dict.fromkeys(kinds))


def search_params(
    query,
    *,
    strict: bool,
    page_size: int | None = None,
    kinds: Sequence[str] = KINDS,
) -> SearchParams:
    """Everything a search page or the API reads, bounded. `page_size` None reads it from the
    query (the API); `strict` rejects what the HTML page forgives (see the module docstring)."""
    text = query_text(query)
    if page_size is None:
        page_size = integer(query, "page_size", default=20, low=1, high=MAX_PAGE_SIZE)
    filters, rejected = filter_codes(query, strict=strict)
    return SearchParams(
        text=text,
        filters=filters,
        rejected=rejected,
        sort=sort_order(query, text=text, strict=strict),
        page=page_number(query, page_size=page_size, clamp=not strict),
        page_size=page_size,
        kinds=result_kinds(query) if strict else tuple(kinds),
    )


def shown(value: str, limit: int = 40) -> str:
    """A visitor's value, cut short and without control characters, for a message."""
    value = _CONTROL.sub(" ", value)
    return value if len(value) <= limit else value[:limit] + "…"


def bad_request_page(request: HttpRequest, error: BadParameter) -> HttpResponse:
    """The Japanese 400 page of an HTML view, saying what was wrong and how to go on."""
    return render(
        request, "400.html", {"message": str(error), "retry_url": request.path}, status=400
    )
