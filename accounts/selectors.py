"""Reads that depend on who asks: the user directory, invitation status and the audit log."""

import enum
import unicodedata
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Case, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import AuditEvent, User


class InvitationStatus(enum.Enum):
    """Where a person stands, in the order an account goes through."""

    NOT_INVITED = _("未招待")
    INVITED = _("招待中")
    EXPIRED = _("招待期限切れ")
    REGISTERED = _("登録済み")
    INACTIVE = _("無効")

    @property
    def label(self):
        return self.value


def invitation_status(user: User) -> InvitationStatus:
    """Derived from the account, so it can never disagree with it."""
    if not user.is_active:
        return InvitationStatus.INACTIVE
    if user.has_usable_password():
        return InvitationStatus.REGISTERED
    if hasattr(user, "last_invited_at"):  # annotated by user_directory
        last_sent = user.last_invited_at
    else:
        last_sent = user.invitations.aggregate(last=Max("sent_at"))["last"]
    if last_sent is None:
        return InvitationStatus.NOT_INVITED
    if timezone.now() - last_sent > timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT):
        return InvitationStatus.EXPIRED
    return InvitationStatus.INVITED


def can_view_directory(viewer) -> bool:
    return roles.allowed(viewer, roles.VIEW_ALL_USERS)


def can_manage_users(viewer) -> bool:
    """Creating, inviting and deactivating people: the secretariat only."""
    return roles.has_any_role(viewer, {roles.SECRETARIAT})


def directory_fields(viewer) -> frozenset[str]:
    """The columns `viewer` may see; e-mail addresses need 全ユーザー情報の閲覧."""
    fields = {"display_name", "organisation", "roles", "job_title"}
    if can_view_directory(viewer):
        fields |= {"email", "last_login", "status", "phone", "qualifications"}
    return frozenset(fields)


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def directory_order() -> tuple:
    """五十音順 by よみ; people without a reading after those with one, then by name."""
    no_reading = Case(When(name_reading="", then=Value(1)), default=Value(0))
    return (no_reading, "name_reading", "display_name", "email")


def user_directory(*, viewer, q: str = "", organisation: str = "", role: str = "") -> QuerySet:
    """People matching a name/e-mail word, an organisation word and a role, for `viewer`."""
    if not can_view_directory(viewer):
        return User.objects.none()
    users = (
        User.objects.select_related("organisation")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .annotate(last_invited_at=Max("invitations__sent_at"))
        .order_by(*directory_order())
    )
    for word in _nfkc(q).split():
        users = users.filter(Q(display_name__icontains=word) | Q(email__icontains=word))
    for word in _nfkc(organisation).split():
        users = users.filter(organisation__name__icontains=word)
    if role:
        users = users.filter(groups__name=role)
    return users


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(
    *,
    viewer,
    user: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """The audit log for the secretariat, newest first, filtered by person, action and day."""
    if not can_manage_users(viewer):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if word := _nfkc(user):
        events = events.filter(user_label__icontains=word)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(created_at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return events


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
