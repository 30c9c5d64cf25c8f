"""factory_boy factories for the dispatch tests: support requests, and a team with one person per
role, built on the shared factories (tests/factories.py)."""

import factory

from accounts import roles
from dispatch.models import SupportRequest
from engagements.models import Engagement, EngagementMember
from tests.factories import EngagementFactory, UserFactory

TEAM_ROLES = {
    EngagementMember.Role.SUPPORTER: roles.SUPPORTER,
    EngagementMember.Role.REQUESTING_BODY: roles.REQUESTING_BODY,
    EngagementMember.Role.SUPPORT_MEMBER: roles.SUPPORT_MEMBER,
    EngagementMember.Role.COMPANY_CONTACT: roles.COMPANY_CONTACT,
}


def team() -> tuple[Engagement, dict]:
    """An engagement with one person per team role (and the company contact), by team role."""
    people = {team_role: UserFactory(role=role) for team_role, role in TEAM_ROLES.items()}
    return EngagementFactory(team=people), people


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    engagement = factory.SubFactory(EngagementFactory)
    category = SupportRequest.Category.POLICY
    body = "支援の方向性について相談させてください。"
    status = SupportRequest.Status.OPEN
