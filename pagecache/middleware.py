"""A whole-response cache for anonymous visitors of the public pages (docs/operations.md).

Placed right after WhiteNoise: a hit is answered before the session, authentication and the rest
of the stack run. What is cached, and when, is decided here and nowhere else:

- only GET and HEAD, to the public routes the apps named (public.register_public_view: the
  Wagtail pages, the public JSON API, the case-search feed), with no session, messages or
  Authorization (a signed-in person, or one with a pending message, always goes through the
  whole stack and is never stored);
- only query parameters those routes read (named with them): anything else is rendered, not stored
  (a visitor cannot fill the cache with made-up parameters);
- only a 200 with no Set-Cookie, no CSRF token used, no Cache-Control of its own, no Vary other
  than Cookie / Accept-Language / Accept-Encoding, from a request the view did not mark with
  marks.dont_store() (a degraded search answer is not kept);
- the key holds everything the response can depend on: method, scheme, host, path, the query
  string exactly as given (the pagination links repeat it) and the language; the entry holds the
  generation (generation.py) it was rendered under, which every change that reaches the public
  replaces: an entry of another generation is never served. The token and the entry are read in
  one round trip to the cache.

A stored response gets `Cache-Control: public` (a proxy or CDN may keep it too), `Vary: Cookie`
and a strong ETag; `If-None-Match` gets a 304. Every response says `X-Cache: hit|miss|bypass`.
Signed-in people's responses get `Cache-Control: private, no-store` unless the view set its own.

A response may carry replays (marks.on_serve: e.g. the search log counting a keyword search):
they are stored with it and run on every serve, the miss that rendered it and each hit or 304.
Such a response is kept here only: `Cache-Control: private, no-cache`, so that neither Varnish
nor a browser answers in our place without the replay (a browser revalidates and gets a 304).
"""

import hashlib
from functools import lru_cache
from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from . import generation, marks
from .public import public_parameters

ALLOWED_VARY = frozenset({"cookie", "accept-language", "accept-encoding"})
MAX_QUERY_STRING = 2048  # 200 Japanese characters of q are 1,800 bytes percent-encoded


@lru_cache(maxsize=4096)  # the URLconf is fixed for the life of the process
def _view_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    func = getattr(match.func, "view_class", match.func)
    # A view may be an instance (django.contrib.syndication's Feed): name it by its class.
    named = func if hasattr(func, "__qualname__") else type(func)
    return f"{named.__module__}.{named.__qualname__}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.bypass_cookies = {
            settings.SESSION_COOKIE_NAME,
            CookieStorage.cookie_name,
            *getattr(settings, "PAGE_CACHE_BYPASS_COOKIES", ()),
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.PAGE_CACHE_ENABLED:
            return self.get_response(request)
        key = self.key(request)
        if key is None:
            response = self.get_response(request)
            self.mark_private(request, response)
            response.headers.setdefault("X-Cache", "bypass")
            return response
        current, stored = generation.read(key)
        if stored is not None and stored[0] == current:
            response, replays = self.rebuild(stored)
            marks.run_replays(replays)
            response["X-Cache"] = "hit"
            return get_conditional_response(request, etag=response["ETag"], response=response)
        recording = marks.start()
        try:
            response = self.get_response(request)
            storable = self.storable(request, response) and marks.reason() is None
            replays = marks.replays()
        finally:
            marks.finish(recording)
        marks.run_replays(replays)  # this serve counts too, stored or not
        if storable:
            self.make_public(response, shared=not replays)
            stored = self.freeze(current, response, replays)
            generation.cache().set(key, stored, settings.PAGE_CACHE_SECONDS)
            response["X-Cache"] = "miss"
            return get_conditional_response(request, etag=response["ETag"], response=response)
        self.mark_private(request, response)
        response["X-Cache"] = "bypass"
        return response

    # --- which requests ----------------------------------------------------------------------
    def key(self, request: HttpRequest) -> str | None:
        """The cache key of an anonymous public request; None when it must not use the cache."""
        if request.method not in ("GET", "HEAD"):
            return None
        if "HTTP_AUTHORIZATION" in request.META or self.bypass_cookies & request.COOKIES.keys():
            return None
        query = request.META.get("QUERY_STRING", "")
        if len(query) > MAX_QUERY_STRING:
            return None
        parameters = public_parameters(_view_name(request.path_info))
        if parameters is None:
            return None
        if any(name not in parameters for name, _ in parse_qsl(query, keep_blank_values=True)):
            return None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None  # the stack answers 400
        parts = (
            request.method,
            request.scheme,
            host,
            request.path,
            query,
            translation.get_language_from_request(request),
        )
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        # "v3": entries hold their generation and replays; a worker of a release before (a
        # rolling deploy) reads only its own entries, under "pagecache:page:" or "…:v2:".
        return f"pagecache:page:v3:{digest}"

    # --- which responses ---------------------------------------------------------------------
    def storable(self, request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False  # e.g. HTTP authentication by another middleware: never shared
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
            return False  # the page embeds a CSRF token: it belongs to one visitor
        if response.has_header("Cache-Control"):
            return False  # the view decided itself (never_cache, private …)
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        return vary <= ALLOWED_VARY

    @staticmethod
    def make_public(response: HttpResponse, *, shared: bool = True) -> None:
        """Headers of a stored response; `shared=False` when it has replays: only this cache
        may answer for it (a copy in Varnish or the browser would skip them)."""
        patch_vary_headers(response, ("Cookie",))
        if shared:
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
                s_maxage=settings.PAGE_CACHE_PROXY_SECONDS,
            )
        else:
            patch_cache_control(response, private=True, no_cache=True, max_age=0)
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'

    @staticmethod
    def mark_private(request: HttpRequest, response: HttpResponse) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)

    # --- storage -----------------------------------------------------------------------------
    @staticmethod
    def freeze(rendered_under: str, response: HttpResponse, replays: list[marks.Replay]) -> tuple:
        headers = [(k, v) for k, v in response.items() if k.lower() != "x-cache"]
        return (rendered_under, response.status_code, headers, response.content, replays)

    @staticmethod
    def rebuild(stored: tuple) -> tuple[HttpResponse, list[marks.Replay]]:
        _rendered_under, status, headers, content, replays = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response, replays
