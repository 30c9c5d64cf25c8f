"""factory_boy factories for engagements with reports, the input of a case draft."""

import datetime

import factory
from django.contrib.auth import get_user_model

from accounts.models import Organisation
from engagements.models import Engagement, EngagementMember, Record, RecordVersion, Visit


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"株式会社テスト商店{n}")
    kind = Organisation.Kind.COMPANY
    prefecture = "17"
    industry = "I"
    employees = 14
    sales_million_yen = 180
    owner_type = "successor-family"
    owner_age = 68


class RequestingBodyFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"テスト商工会議所{n}")
    kind = Organisation.Kind.REQUESTING_BODY
    industry = ""
    employees = None
    sales_million_yen = None
    owner_type = ""
    owner_age = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    username = factory.SelfAttribute("email")
    display_name = factory.Sequence(lambda n: f"試験 太郎{n}")


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    title = "テスト案件"
    company = factory.SubFactory(OrganisationFactory)
    requesting_body = factory.SubFactory(RequestingBodyFactory)
    status = Engagement.Status.CLOSED
    started_on = datetime.date(2026, 7, 1)


def member(engagement, role, **user_fields):
    user = UserFactory(**user_fields)
    EngagementMember.objects.create(engagement=engagement, user=user, role=role)
    return user


def record(engagement, kind, data, visit=None):
    rec = Record.objects.create(engagement=engagement, kind=kind, visit=visit, version=1)
    RecordVersion.objects.create(record=rec, number=1, data=data)
    return rec


def visit_with_report(engagement, number, day, report):
    visit = Visit.objects.create(engagement=engagement, number=number, scheduled_on=day)
    record(engagement, Record.Kind.VISIT_REPORT, report, visit=visit)
    return visit
