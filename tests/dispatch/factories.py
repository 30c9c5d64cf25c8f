"""factory_boy factories for the dispatch tests: people with a role, engagements with a team, and
support requests."""

import factory
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Organisation, User
from dispatch.models import SupportRequest
from engagements.models import Engagement, EngagementMember


class UserFactory(factory.django.DjangoModelFactory):
    """A person; `role` names the group (accounts.roles), e.g. UserFactory(role=roles.SUPPORTER)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person-{n}@support.test")
    display_name = factory.Sequence(lambda n: f"テスト {n}")
    password = factory.PostGenerationMethodCall("set_password", "long-enough-passphrase")

    @factory.post_generation
    def role(self, create, name, **kwargs):
        if create and name:
            self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    kind = Organisation.Kind.COMPANY


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    code = factory.Sequence(lambda n: f"SR-{n:04d}")
    title = factory.Sequence(lambda n: f"支援要請テスト案件 {n}")
    company = factory.SubFactory(OrganisationFactory)
    status = Engagement.Status.ACTIVE


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementMember

    engagement = factory.SubFactory(EngagementFactory)
    user = factory.SubFactory(UserFactory)
    role = EngagementMember.Role.SUPPORTER


def team(engagement: Engagement | None = None):
    """An engagement with one person per team role (and the company contact), by team role."""
    engagement = engagement or EngagementFactory()
    people = {}
    for team_role, role in (
        (EngagementMember.Role.SUPPORTER, roles.SUPPORTER),
        (EngagementMember.Role.REQUESTING_BODY, roles.REQUESTING_BODY),
        (EngagementMember.Role.SUPPORT_MEMBER, roles.SUPPORT_MEMBER),
        (EngagementMember.Role.COMPANY_CONTACT, roles.COMPANY_CONTACT),
    ):
        people[team_role] = MemberFactory(
            engagement=engagement, user=UserFactory(role=role), role=team_role
        ).user
    return engagement, people


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    engagement = factory.SubFactory(EngagementFactory)
    category = SupportRequest.Category.POLICY
    body = "支援の方向性について相談させてください。"
    status = SupportRequest.Status.OPEN
