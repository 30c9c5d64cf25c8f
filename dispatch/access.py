"""Who may see the registry and the requests (docs/registry-format.md: personal data).

The registry, the requests and the matching: the secretariat and the agency (the agency reads,
the secretariat writes). A supporter reaches only their own profile; a requesting body only the
request form and the status of its own requests, never a supporter's conflicts or notes.

Support requests (支援要請) are internal to the support side of one engagement: its team members
(supporter, requesting body, support member), the secretariat and the agency see them; the
company contact, editors and trainers do not, and someone outside the engagement gets 404 (its
existence is not disclosed). A private request (事務局だけに相談する) is seen by its author, the
secretariat and the agency only. The supporter and the requesting body raise them and write back;
the secretariat assigns, answers and closes; the agency reads.
"""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import roles
from engagements.access import TEAM_ROLES, team_role
from engagements.models import Engagement, EngagementMember

from .models import SupportRequest

READERS = frozenset({roles.SECRETARIAT, roles.AGENCY})
WRITERS = frozenset({roles.SECRETARIAT})
REQUESTERS = frozenset({roles.REQUESTING_BODY, roles.SECRETARIAT})


def can_read(user) -> bool:
    return roles.has_any_role(user, READERS)


def can_write(user) -> bool:
    return roles.has_any_role(user, WRITERS)


def can_submit(user) -> bool:
    return roles.has_any_role(user, REQUESTERS)


def is_supporter(user) -> bool:
    return roles.has_any_role(user, {roles.SUPPORTER})


class RoleRequiredMixin(AccessMixin):
    """Anonymous people go to the login page; signed-in people without the role get 403."""

    allowed = staticmethod(can_read)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Support requests ------------------------------------------------------------------------------

# The team roles that raise a support request and write back in its thread.
RAISING_ROLES = frozenset({EngagementMember.Role.SUPPORTER, EngagementMember.Role.REQUESTING_BODY})


def sees_support(user, engagement: Engagement) -> bool:
    """The engagement's team (not the company contact), the secretariat and the agency."""
    if not user.is_authenticated:
        return False
    return can_read(user) or bool(team_role(user, engagement) & set(TEAM_ROLES))


def can_raise_support(user, engagement: Engagement) -> bool:
    """The engagement's supporter or requesting body, in that role both on the team and globally."""
    if not user.is_authenticated or roles.has_any_role(user, {roles.AGENCY}):
        return False
    return bool(team_role(user, engagement) & RAISING_ROLES) and roles.has_any_role(
        user, {roles.SUPPORTER, roles.REQUESTING_BODY}
    )


def can_reply_support(user, support_request: SupportRequest) -> bool:
    """Writing back: those who may raise one, and of a private request only its author."""
    return can_raise_support(user, support_request.engagement) and (
        not support_request.private or support_request.raised_by_id == user.pk
    )


def can_handle_support(user) -> bool:
    """Assigning, answering and closing are the secretariat's."""
    return can_write(user)


def support_requests_for(user) -> QuerySet[SupportRequest]:
    """The support requests `user` may open."""
    if not user.is_authenticated:
        return SupportRequest.objects.none()
    if can_read(user):
        return SupportRequest.objects.all()
    return SupportRequest.objects.filter(
        Q(private=False) | Q(raised_by=user),
        engagement__in=EngagementMember.objects.filter(user=user, role__in=TEAM_ROLES).values(
            "engagement"
        ),
    )


def get_support_request(user, pk) -> SupportRequest:
    """The request if `user` may open it; 404 otherwise, so others learn nothing about it."""
    try:
        return (
            support_requests_for(user)
            .select_related("engagement__company", "raised_by", "assignee")
            .get(pk=pk)
        )
    except (SupportRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
