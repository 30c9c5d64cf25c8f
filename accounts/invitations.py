"""Invitation and password-reset mails carrying a single-use set-password link, never a password."""

import logging
from datetime import timedelta
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.mail import absolute_url

from . import audit
from .models import Invitation, User

logger = logging.getLogger(__name__)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens that die when a password is set, at the first login, or at deactivation."""

    # A salt of its own: a password-reset token is not an invitation token and vice versa.
    key_salt = "accounts.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return super()._make_hash_value(user, timestamp) + str(user.is_active)


invitation_tokens = InvitationTokenGenerator()


class InvitationError(Exception):
    """An invitation that may not be sent; the message is for the secretariat."""


class InvitationQuotaExceeded(InvitationError):
    def __init__(self, remaining: int):
        self.remaining = remaining
        super().__init__(
            _(
                "招待メールは 1 時間に %(limit)d 件までです（あと %(remaining)d 件送れます）。"
                "時間をおいてからもう一度お試しください。"
            )
            % {"limit": settings.INVITATIONS_PER_HOUR, "remaining": remaining}
        )


def link_hours() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def remaining_quota(sender) -> int:
    """How many invitations `sender` may still send in the current sliding hour."""
    since = timezone.now() - timedelta(hours=1)
    sent = Invitation.objects.filter(sent_by=sender, sent_at__gte=since).count()
    return max(0, settings.INVITATIONS_PER_HOUR - sent)


def check_quota(sender, count: int = 1) -> None:
    """Raises InvitationQuotaExceeded when `count` more invitations would pass the limit."""
    remaining = remaining_quota(sender)
    if count > remaining:
        raise InvitationQuotaExceeded(remaining)


def can_invite(user) -> bool:
    """Only active people who have not yet set a password are invited (again)."""
    return user.is_active and not user.has_usable_password()


def _absolute(path: str) -> str:
    # BASE_URL, or the address the secretariat (or the person resetting) is using; a Host header
    # outside ALLOWED_HOSTS is never used (core/mail.py).
    return absolute_url(path)


def set_password_url(user, *, url_name: str = "accounts:invitation_confirm") -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return _absolute(
        reverse(url_name, kwargs={"uidb64": uid, "token": invitation_tokens.make_token(user)})
    )


def _message(user, *, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    name = user.display_name or user.email
    expires_at = timezone.localtime() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    context = {
        **context,
        "name": name,
        "email": user.email,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "hours": link_hours(),
        "expires_at": expires_at,
        "secretariat_email": parseaddr(settings.SECRETARIAT_EMAIL)[1],
        "site_url": _absolute("/"),
    }
    sender_domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"accounts/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((f"{name} 様", user.email))],
        reply_to=[settings.SECRETARIAT_EMAIL],
        headers={
            # RFC 3834: no autoresponder should answer, and filters see a system mail.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            # Same domain as From, which spam filters compare (Django would use the host name).
            "Message-ID": make_msgid(domain=sender_domain),
        },
    )
    message.attach_alternative(
        render_to_string(f"accounts/email/{template}.html", context), "text/html"
    )
    return message


def _deliver(message: EmailMultiAlternatives, *, user_pk: int, sender_pk: int | None) -> None:
    try:
        message.send()
    except Exception:
        # The account is already saved: the secretariat sees "未送信" and can re-send.
        logger.exception("invitation mail to user %s failed", user_pk)
        audit.record(
            user=User.objects.filter(pk=sender_pk).first(),
            action=audit.INVITATION_FAILED,
            target=User.objects.filter(pk=user_pk).first(),
        )


@transaction.atomic
def send_invitation(user, *, invited_by, request=None) -> Invitation:
    """Sends (or re-sends) the invitation; earlier links stop working. Mails after commit."""
    if not can_invite(user):
        raise InvitationError(_("このユーザーはすでに登録を済ませているか、無効になっています。"))
    check_quota(invited_by)
    resend = user.invitations.exists()
    # A fresh unusable password changes the token's hash input, so only the newest link works.
    user.set_unusable_password()
    user.save(update_fields=["password"])
    invitation = Invitation.objects.create(user=user, sent_by=invited_by)
    message = _message(
        user,
        subject=_("【%(site)s】アカウント登録のご案内（%(name)s 様）")
        % {"site": settings.WAGTAIL_SITE_NAME, "name": user.display_name or user.email},
        template="invitation",
        context={"url": set_password_url(user), "resend": resend},
    )
    audit.record(
        user=invited_by,
        action=audit.INVITATION_RESENT if resend else audit.INVITATION_SENT,
        target=user,
        request=request,
    )
    sender_pk = getattr(invited_by, "pk", None)
    transaction.on_commit(lambda: _deliver(message, user_pk=user.pk, sender_pk=sender_pk))
    return invitation


def send_password_reset(email: str, *, request=None) -> None:
    """Mails a reset link if an active, registered account has this address; silent otherwise."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    message = _message(
        user,
        subject=_("【%(site)s】パスワード再設定のご案内（%(name)s 様）")
        % {"site": settings.WAGTAIL_SITE_NAME, "name": user.display_name or user.email},
        template="password_reset",
        context={"url": set_password_url(user, url_name="accounts:password_reset_confirm")},
    )
    audit.record(user=None, action=audit.PASSWORD_RESET_SENT, target=user, request=request)
    transaction.on_commit(lambda: _deliver(message, user_pk=user.pk, sender_pk=None))
