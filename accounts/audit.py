"""The audit log: who did what, to which object, when and from where."""

import logging
import re
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .network import client_ip

logger = logging.getLogger("accounts.audit")

# Action names used by this app; other apps may record their own (e.g. "download").
WRITE = "write"
DOWNLOAD = "download"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGIN_LOCKOUT = "login_lockout"
LOGOUT = "logout"
SESSION_EXPIRED = "session_expired"
PASSWORD_SET = "password_set"  # noqa: S105 (an action name)
PASSWORD_CHANGE = "password_change"  # noqa: S105 (an action name)
PASSWORD_RESET_SENT = "password_reset_sent"  # noqa: S105 (an action name)
TWO_FACTOR_SETUP = "2fa_setup"
TWO_FACTOR_VERIFY = "2fa_verify"
TWO_FACTOR_FAILED = "2fa_failed"
TWO_FACTOR_LOCKOUT = "2fa_lockout"
TWO_FACTOR_RESET = "2fa_reset"
INVITATION_SENT = "invitation_sent"
INVITATION_RESENT = "invitation_resent"
INVITATION_FAILED = "invitation_failed"
USER_CREATED = "user_created"
USER_IMPORT = "user_import"
USER_DEACTIVATED = "user_deactivated"
USER_ACTIVATED = "user_activated"
PROFILE_UPDATE = "profile_update"

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def request_id(request) -> str:
    """The proxy's X-Request-ID when it looks like one, otherwise one made for this request."""
    if request is None:
        return ""
    rid = getattr(request, "_audit_request_id", None)
    if rid is None:
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
        request._audit_request_id = rid
    return rid


def clean_text(value: str, limit: int) -> str:
    """One line, no control characters: a value can never forge a second log entry."""
    return _CONTROL.sub(" ", str(value))[:limit]


def skip(request) -> None:
    """Tells the write middleware that this request needs no generic "write" event."""
    request._audit_settled = True


def is_settled(request) -> bool:
    return getattr(request, "_audit_settled", False)


class RejectedFormNotAuditedMixin:
    """A form view whose invalid POST (re-rendered with 200) wrote nothing, so logs nothing."""

    def form_invalid(self, form):
        skip(self.request)
        return super().form_invalid(form)


def _describe_target(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    return type(target).__name__, clean_text(str(target), 64)


def record(
    *, user, action: str, target=None, detail: str = "", request=None, **fields
) -> AuditEvent:
    """Append one event; `fields` may carry method, path and status for request-level events."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    target_type, target_id = _describe_target(target)
    event = AuditEvent(
        user=user,
        user_label=clean_text(user.email, 254) if user is not None else "",
        action=clean_text(action, 40),
        target_type=target_type,
        target_id=target_id,
        detail=clean_text(detail, 1000),
        ip=(client_ip(request) or None) if request is not None else None,
        request_id=request_id(request),
        **fields,
    )
    event.save()
    if request is not None:
        # The write middleware skips requests whose view already said what happened.
        skip(request)
    logger.info(
        "audit action=%s user=%s target=%s:%s status=%s request=%s",
        event.action,
        event.user_id or "-",
        target_type or "-",
        target_id or "-",
        event.status or "-",
        event.request_id or "-",
    )
    return event


ACTION_LABELS = {
    WRITE: _("書き込み"),
    DOWNLOAD: _("ダウンロード"),
    LOGIN: _("ログイン"),
    LOGIN_FAILED: _("ログイン失敗"),
    LOGIN_LOCKOUT: _("ログイン一時停止"),
    LOGOUT: _("ログアウト"),
    SESSION_EXPIRED: _("セッション期限切れ"),
    PASSWORD_SET: _("パスワード設定"),
    PASSWORD_CHANGE: _("パスワード変更"),
    PASSWORD_RESET_SENT: _("パスワード再設定メール送信"),
    TWO_FACTOR_SETUP: _("2 段階認証の登録"),
    TWO_FACTOR_VERIFY: _("2 段階認証"),
    TWO_FACTOR_FAILED: _("2 段階認証の失敗"),
    TWO_FACTOR_LOCKOUT: _("2 段階認証の一時停止"),
    TWO_FACTOR_RESET: _("2 段階認証のリセット"),
    INVITATION_SENT: _("招待メール送信"),
    INVITATION_RESENT: _("招待メール再送"),
    INVITATION_FAILED: _("招待メール送信失敗"),
    USER_CREATED: _("ユーザー作成"),
    USER_IMPORT: _("ユーザー一括登録"),
    USER_DEACTIVATED: _("ユーザー無効化"),
    USER_ACTIVATED: _("ユーザー有効化"),
    PROFILE_UPDATE: _("登録情報の更新"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
