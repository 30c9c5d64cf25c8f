"""Writes on people: invitations, imports, deactivation and the self-service profile."""

import unicodedata

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, invitations, roles
from .importing import ImportPlan
from .models import Organisation, User

PROFILE_FIELDS = ("display_name", "name_reading", "job_title", "phone", "qualifications")


def _create_invited(
    *,
    email: str,
    display_name: str,
    organisation: Organisation | None,
    role_names: list[str],
    job_title: str,
) -> User:
    user = User(
        email=User.objects.normalize_email(unicodedata.normalize("NFKC", email).strip()),
        display_name=display_name.strip(),
        organisation=organisation,
        job_title=job_title.strip(),
        is_active=True,
    )
    # Until the invitee sets one, no password can match (and the invitation link is the way in).
    user.set_unusable_password()
    user.username = user.email
    user.full_clean(exclude=["password", "username"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=[r for r in role_names if r in roles.ALL_ROLES]))
    return user


@transaction.atomic
def user_invite(
    *,
    email: str,
    display_name: str,
    organisation: Organisation | None,
    role_names: list[str],
    job_title: str = "",
    invited_by: User,
    request=None,
) -> User:
    """Creates one person with an unusable password and mails them an invitation."""
    invitations.check_quota(invited_by)
    user = _create_invited(
        email=email,
        display_name=display_name,
        organisation=organisation,
        role_names=role_names,
        job_title=job_title,
    )
    audit.record(
        user=invited_by,
        action=audit.USER_CREATED,
        target=user,
        detail="役割: " + "、".join(role_names),
        request=request,
    )
    invitations.send_invitation(user, invited_by=invited_by, request=request)
    return user


@transaction.atomic
def users_import(*, plan: ImportPlan, invited_by: User, request=None) -> list[User]:
    """Creates everyone in a checked plan and invites them, or nobody if anything fails."""
    if not plan.ok:
        raise ValueError("plan has problems")
    invitations.check_quota(invited_by, len(plan.users))
    created = []
    for planned in plan.users:
        user = _create_invited(
            email=planned.email,
            display_name=planned.display_name,
            organisation=planned.organisation,
            role_names=planned.roles,
            job_title=planned.job_title,
        )
        invitations.send_invitation(user, invited_by=invited_by, request=request)
        created.append(user)
    audit.record(
        user=invited_by,
        action=audit.USER_IMPORT,
        detail=f"作成 {len(created)} 人、読み飛ばし {len(plan.notes)} 行",
        request=request,
    )
    return created


def resend_invitation(*, user: User, by: User, request=None):
    """Sends a new invitation; the earlier link stops working, nothing else changes."""
    return invitations.send_invitation(user, invited_by=by, request=request)


@transaction.atomic
def user_set_active(*, user: User, active: bool, by: User, request=None) -> None:
    """Deactivates (ending every session at its next request) or reactivates a person."""
    if user.pk == by.pk and not active:
        raise PermissionDenied(_("自分自身は無効にできません。"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        user=by,
        action=audit.USER_ACTIVATED if active else audit.USER_DEACTIVATED,
        target=user,
        request=request,
    )


@transaction.atomic
def profile_update(*, user: User, data: dict, request=None) -> list[str]:
    """Saves the 任意登録情報 a person may change; returns the names of changed fields."""
    changed = [
        name for name in PROFILE_FIELDS if name in data and getattr(user, name) != data[name]
    ]
    for name in changed:
        setattr(user, name, data[name])
    if changed:
        user.full_clean(exclude=["password", "username"])
        user.save(update_fields=changed)
    # Field names only: the values are personal data and stay out of the audit log.
    audit.record(
        user=user,
        action=audit.PROFILE_UPDATE,
        target=user,
        detail="変更: " + ("、".join(changed) or "なし"),
        request=request,
    )
    return changed
