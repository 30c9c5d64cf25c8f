"""The engagement a case draft is made from: a company with the figures of a case's basic
information, its requesting body, closed after its visits. Built on tests/factories.py."""

import datetime

import factory

from accounts.models import Organisation
from engagements.models import Engagement
from tests import factories


class CompanyFactory(factories.OrganisationFactory):
    """A company with what the draft's basic information reads (prefecture, industry, size, owner)."""

    name = factory.Sequence(lambda n: f"株式会社テスト商店{n}")
    prefecture = "17"
    industry = "I"
    employees = 14
    sales_million_yen = 180
    owner_type = "successor-family"
    owner_age = 68


class RequestingBodyFactory(factories.OrganisationFactory):
    name = factory.Sequence(lambda n: f"テスト商工会議所{n}")
    kind = Organisation.Kind.REQUESTING_BODY


class EngagementFactory(factories.EngagementFactory):
    """A closed engagement, as one proposed for a case is."""

    title = "テスト案件"
    company = factory.SubFactory(CompanyFactory)
    requesting_body = factory.SubFactory(RequestingBodyFactory)
    status = Engagement.Status.CLOSED
    started_on = datetime.date(2026, 7, 1)
