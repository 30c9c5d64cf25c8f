"""Session lifetime, the second-factor gate and the audit of every write."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import audit, twofactor

SESSION_STARTED = "_accounts_started"
SESSION_SEEN = "_accounts_seen"
# Rewriting the session on every request costs a write each time; a minute's precision is
# plenty for a 30-minute idle limit.
SEEN_RESOLUTION = 60

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _now() -> int:
    return int(time.time())


def start_session_clock(request) -> None:
    """Called at login: both timeouts count from here."""
    now = _now()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now


class SessionTimeoutMiddleware:
    """Logs out after SESSION_IDLE_TIMEOUT without a request or SESSION_ABSOLUTE_TIMEOUT in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._enforce(request)
        return self.get_response(request)

    def _enforce(self, request) -> None:
        session, now = request.session, _now()
        started = session.setdefault(SESSION_STARTED, now)
        seen = session.get(SESSION_SEEN, now)
        if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = _("ログインから %(hours)d 時間が経過したため、ログアウトしました。") % {
                "hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600
            }
        elif now - seen > settings.SESSION_IDLE_TIMEOUT:
            reason = _("%(minutes)d 分間操作がなかったため、ログアウトしました。") % {
                "minutes": settings.SESSION_IDLE_TIMEOUT // 60
            }
        else:
            if now - seen >= SEEN_RESOLUTION or SESSION_SEEN not in session:
                session[SESSION_SEEN] = now
            return
        audit.record(user=request.user, action=audit.SESSION_EXPIRED, request=request)
        logout(request)
        messages.info(request, reason + _("もう一度ログインしてください。"))


# URL names a signed-in but unverified person may use as themselves.
EXEMPT_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "admin_logout",
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:invitation_confirm",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
    }
)
# The public site: served to an unverified session as if nobody were signed in, so that a
# password alone never unlocks what a role adds to a public page.
PUBLIC_VIEWS = frozenset(
    {
        "wagtail_serve",
        "wagtaildocs_serve",
        "wagtaildocs_authenticate_with_password",
        "wagtailcore_authenticate_with_password",
        "api-search",
        "api-suggest",
        "api-openapi",
        "search-click",
    }
)


class TwoFactorMiddleware:
    """Sends two-factor roles to setup or verification before any non-public view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not twofactor.requires_second_factor(user) or twofactor.is_verified(request):
            return None
        if request.path_info.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name in EXEMPT_VIEWS:
            return None
        if view_name in PUBLIC_VIEWS:
            request.user = AnonymousUser()
            return None
        audit.skip(request)  # refused, so nothing was written
        has_device = twofactor.confirmed_device(user) is not None
        target = reverse(
            "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
        )
        if request.method in SAFE_METHODS:
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


# Wagtail's live preview POSTs the whole edit form every few seconds and keeps it in the session
# only; recording each would bury the real writes.
NOT_WRITES = frozenset({"preview_on_add", "preview_on_edit"})


class AuditWriteMiddleware:
    """Records every successful non-safe request of a signed-in person (never its body)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read before the view runs: a logout replaces request.user.
        user = request.user if request.method not in SAFE_METHODS else None
        actor = user if user is not None and user.is_authenticated else None
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and match.url_name in NOT_WRITES:
            return response
        if actor is not None and response.status_code < 400 and not audit.is_settled(request):
            audit.record(
                user=actor,
                action=audit.WRITE,
                detail=match.view_name if match else "",
                request=request,
                # The path only: query strings may carry search words or names.
                method=request.method[:10],
                path=audit.clean_text(request.path, 300),
                status=response.status_code,
            )
        return response
