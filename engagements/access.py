"""Who may see and do what in an engagement: the role matrix, scoped to the person's engagements.

Objects outside a person's engagements answer 404, so their existence is not disclosed; an
action inside one's engagement that the role does not allow answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import roles

from .models import Attachment, Engagement, EngagementMember, Visit

# Team roles that give access to an engagement's records and files (the company contact only
# reaches its own surveys).
TEAM_ROLES = (
    EngagementMember.Role.SUPPORTER,
    EngagementMember.Role.REQUESTING_BODY,
    EngagementMember.Role.SUPPORT_MEMBER,
)


def sees_all(user) -> bool:
    return roles.has_any_role(user, roles.SEES_ALL_ENGAGEMENTS)


def engagements_for(user) -> QuerySet[Engagement]:
    """The engagements whose records and files `user` may open."""
    if not user.is_authenticated:
        return Engagement.objects.none()
    if sees_all(user):
        return Engagement.objects.all()
    return Engagement.objects.filter(
        pk__in=EngagementMember.objects.filter(user=user, role__in=TEAM_ROLES).values("engagement")
    )


def team_role(user, engagement: Engagement) -> set[str]:
    return set(
        EngagementMember.objects.filter(engagement=engagement, user=user).values_list(
            "role", flat=True
        )
    )


def get_engagement(user, pk) -> Engagement:
    try:
        return engagements_for(user).select_related("company", "requesting_body").get(pk=pk)
    except (Engagement.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def get_visit(user, pk) -> Visit:
    try:
        return Visit.objects.select_related("engagement__company").get(
            pk=pk, engagement__in=engagements_for(user)
        )
    except (Visit.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def get_attachment(user, pk) -> Attachment:
    try:
        return Attachment.objects.select_related("visit__engagement").get(
            pk=pk, visit__engagement__in=engagements_for(user)
        )
    except (Attachment.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def can_write_records(user, engagement: Engagement) -> bool:
    """Plans and reports are written by the engagement's supporters (and the secretariat)."""
    if roles.has_any_role(user, {roles.SECRETARIAT}):
        return True
    return roles.has_any_role(user, {roles.SUPPORTER}) and (
        EngagementMember.Role.SUPPORTER in team_role(user, engagement)
    )


def can_upload(user, engagement: Engagement) -> bool:
    return roles.allowed(user, roles.UPLOAD) and (
        sees_all(user) or bool(team_role(user, engagement) & set(TEAM_ROLES))
    )


def can_comment(user, engagement: Engagement) -> bool:
    """The thread is the team's and the secretariat's; the agency reads along."""
    if roles.has_any_role(user, {roles.SECRETARIAT}):
        return True
    return bool(team_role(user, engagement) & set(TEAM_ROLES)) and not roles.has_any_role(
        user, {roles.AGENCY}
    )


def can_open_attachment(user, attachment: Attachment) -> bool:
    """Latest versions need 最新ファイルのダウンロード, earlier ones 過去ファイルのダウンロード."""
    action = roles.DOWNLOAD_LATEST if attachment.is_latest() else roles.DOWNLOAD_PAST
    return roles.allowed(user, action)


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied(_("この操作を行う権限がありません。"))
