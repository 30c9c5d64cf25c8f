"""Second factor for the roles that see everything or manage people (roles.TWO_FACTOR_ROLES)."""

import enum

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import audit, roles, throttle, totp
from .models import TOTPDevice

SESSION_KEY = "accounts_2fa_device"
ISSUER = "伴走ナレッジ"


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


def requires_second_factor(user) -> bool:
    """Superusers and members of a two-factor role (superusers count as the secretariat)."""
    return bool(user.is_authenticated and roles.has_any_role(user, roles.TWO_FACTOR_ROLES))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def is_verified(request) -> bool:
    """True when this session proved the user's current device."""
    cached = getattr(request, "_2fa_verified", None)
    if cached is None:
        device_pk = request.session.get(SESSION_KEY)
        # Checked against the database on every request so that a reset by the secretariat
        # ends verified sessions everywhere at once.
        cached = bool(
            device_pk
            and TOTPDevice.objects.filter(
                pk=device_pk, user=request.user, confirmed_at__isnull=False
            ).exists()
        )
        request._2fa_verified = cached
    return cached


def _mark_verified(request, device: TOTPDevice) -> None:
    # A new session key at the change of privilege, as at login (ASVS V7.2.4).
    request.session.cycle_key()
    request.session[SESSION_KEY] = device.pk
    request._2fa_verified = True


def pending_device(user) -> TOTPDevice:
    """The device being set up: a fresh secret until the first code confirms it."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": totp.generate_secret()}
    )
    return device


def _consume(device: TOTPDevice, code: str) -> bool:
    step = totp.matching_step(device.secret, code, last_used_step=device.last_used_step)
    if step is None:
        return False
    # The conditional update makes two simultaneous requests with the same code race for one
    # row: only one of them wins the step.
    claimed = (
        TOTPDevice.objects.filter(pk=device.pk)
        .filter(Q(last_used_step__isnull=True) | Q(last_used_step__lt=step))
        .update(last_used_step=step)
    )
    return claimed == 1


def _check(request, device: TOTPDevice, code: str, *, action: str) -> Outcome:
    user = request.user
    if throttle.totp_cooloff(user).remaining():
        return Outcome.LOCKED
    if not _consume(device, code):
        audit.record(user=user, action=audit.TWO_FACTOR_FAILED, target=device, request=request)
        if throttle.totp_failed(user):
            audit.record(user=user, action=audit.TWO_FACTOR_LOCKOUT, target=device, request=request)
            return Outcome.LOCKED
        return Outcome.WRONG
    throttle.totp_succeeded(user)
    if device.confirmed_at is None:
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
    _mark_verified(request, device)
    audit.record(user=user, action=action, target=device, request=request)
    return Outcome.OK


def confirm_setup(request, code: str) -> Outcome:
    """Confirms the pending device with its first code and verifies the session."""
    device = pending_device(request.user)
    if device.is_confirmed:
        # Replacing a confirmed device takes the secretariat's reset, not just a password.
        raise PermissionDenied
    return _check(request, device, code, action=audit.TWO_FACTOR_SETUP)


def verify(request, code: str) -> Outcome:
    """Checks a code against the confirmed device and verifies the session."""
    device = confirmed_device(request.user)
    if device is None:
        return Outcome.WRONG
    return _check(request, device, code, action=audit.TWO_FACTOR_VERIFY)


@transaction.atomic
def device_reset(*, user, by, request=None, detail: str = "") -> bool:
    """Removes a person's device (lost phone): they set up a new one at their next sign-in.
    True if there was one."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    outcome = "認証アプリを削除" if deleted else "認証アプリは未登録"
    audit.record(
        user=by,
        action=audit.TWO_FACTOR_RESET,
        target=user,
        detail=f"{outcome}（{detail}）" if detail else outcome,
        request=request,
    )
    return bool(deleted)


def install_device(user, secret: str) -> TOTPDevice:
    """A confirmed device with a known secret (demo accounts and tests only)."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        defaults={"secret": secret, "confirmed_at": timezone.now(), "last_used_step": None},
    )
    return device
