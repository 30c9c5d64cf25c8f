"""Loads fixtures/engagements.json: demo organisations, people, engagements, visits and answers.

Development only (called by load_demo when DEBUG is on, and by the tests): every demo account
shares a published password, so this must never run on a production database.
"""

import datetime
import io
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image, ImageDraw

from accounts.models import Organisation
from engagements import services
from engagements.models import Attachment, Comment, Engagement, EngagementMember, Record, Visit
from surveys.models import Survey, SurveyResponse
from uploads.validation import validate_upload

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "engagements.json"
DEMO_PASSWORD = "demo-passphrase-2026"  # noqa: S105 - published dev-only password (README)


@transaction.atomic
def load_engagements(path: Path = FIXTURE) -> dict[str, int]:
    """Creates the demo working data once; a second run changes nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    organisations = {
        o["key"]: Organisation.objects.update_or_create(
            name=o["name"],
            kind=o["kind"],
            defaults={k: v for k, v in o.items() if k not in {"key", "name", "kind"}},
        )[0]
        for o in data["organisations"]
    }
    people = {p["key"]: _person(p, organisations) for p in data["people"]}
    created = 0
    for e in data["engagements"]:
        if Engagement.objects.filter(code=e["code"]).exists():
            continue
        _engagement(e, organisations, people)
        created += 1
    return {"engagements": created, "people": len(people)}


def _person(p: dict, organisations: dict):
    User = get_user_model()
    user = User.objects.filter(email=p["email"]).first()
    if user is None:
        user = User.objects.create_user(
            email=p["email"],
            password=DEMO_PASSWORD,
            display_name=p["display_name"],
            organisation=organisations[p["organisation"]],
        )
    elif not user.organisation_id:
        user.display_name = user.display_name or p["display_name"]
        user.organisation = organisations[p["organisation"]]
        user.save(update_fields=["display_name", "organisation"])
    user.groups.add(Group.objects.get(name=p["role"]))
    return user


def _engagement(e: dict, organisations: dict, people: dict) -> Engagement:
    engagement = Engagement.objects.create(
        code=e["code"],
        title=e["title"],
        company=organisations[e["company"]],
        requesting_body=organisations.get(e.get("requesting_body")),
        started_on=e["started_on"],
        status=e["status"],
    )
    for member in e["team"]:
        EngagementMember.objects.create(
            engagement=engagement, user=people[member["person"]], role=member["role"]
        )
    supporter = next((people[m["person"]] for m in e["team"] if m["role"] == "supporter"), None)
    plan = services.record_for(engagement, Record.Kind.ACTIVITY_PLAN)
    _save_versions(plan, e["activity_plan"], e.get("activity_plan_revision"), supporter)
    for v in e["visits"]:
        visit = Visit.objects.create(
            engagement=engagement, number=v["number"], scheduled_on=v["scheduled_on"]
        )
        record = services.record_for(engagement, Record.Kind.VISIT_PLAN, visit)
        _save_versions(record, v["plan"], None, supporter)
        if v.get("report"):
            record = services.record_for(engagement, Record.Kind.VISIT_REPORT, visit)
            _save_versions(record, v["report"], v.get("report_revision"), supporter)
            if v["number"] in {1, 3}:
                _demo_files(visit, supporter)
        for c in v.get("comments", []):
            Comment.objects.create(visit=visit, author=people[c["person"]], body=c["body"])
        if v.get("survey"):
            _survey(visit, v["survey"], people, e["team"])
    return engagement


def _save_versions(record: Record, first: dict, revision: dict | None, author) -> None:
    version = services.record_save(record=record, base_version=0, data=first, author=author)
    if revision:
        services.record_save(
            record=record,
            base_version=version.number,
            data={**first, **revision},
            author=author,
        )


def _survey(visit: Visit, s: dict, people: dict, team: list[dict]) -> None:
    # Requests for surveys that have started count as sent: loading the demo mails nobody.
    start = datetime.date.fromisoformat(s.get("starts_on") or v_date(visit))
    survey = Survey.objects.create(
        visit=visit,
        starts_on=s.get("starts_on"),
        deadline=s.get("deadline"),
        requested_at=_noon(start) if start <= timezone.localdate() else None,
    )
    if s.get("answer"):
        contact = next((people[m["person"]] for m in team if m["role"] == "company_contact"), None)
        SurveyResponse.objects.create(survey=survey, respondent=contact, **s["answer"])


def v_date(visit: Visit) -> str:
    return str(visit.scheduled_on)


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _demo_files(visit: Visit, user) -> None:
    """A whiteboard photo and a small spreadsheet, put through the same checks as any upload."""
    if Attachment.objects.filter(visit=visit).exists():
        return
    image = Image.new("RGB", (960, 640), "white")
    draw = ImageDraw.Draw(image)
    for i, y in enumerate(range(80, 560, 80)):
        draw.line((60 + 20 * i, y, 900 - 30 * i, y + 20), fill=(20, 60, 140), width=6)
    draw.rectangle((40, 40, 920, 600), outline=(30, 30, 30), width=8)
    photo = io.BytesIO()
    image.save(photo, "JPEG", quality=85)
    sheet = _benchmark_sheet()
    for name, content, slot in (
        (f"ホワイトボード　第{visit.number}回.jpg", photo.getvalue(), Attachment.Slot.VISIT_REPORT),
        ("ローカルベンチマーク（財務指標）.xlsx", sheet, Attachment.Slot.VISIT_PLAN),
    ):
        upload = validate_upload(SimpleUploadedFile(name, content))
        services.attachment_add(visit=visit, slot=slot, upload=upload, user=user)


def _benchmark_sheet() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "財務指標"
    sheet.append(["指標", "前期", "当期", "業種平均"])
    for row in (
        ("売上高増加率", "2.1%", "-3.4%", "1.5%"),
        ("営業利益率", "3.8%", "2.2%", "3.0%"),
        ("労働生産性（千円）", 5120, 4870, 5400),
        ("EBITDA有利子負債倍率", "6.2倍", "7.9倍", "5.0倍"),
        ("営業運転資本回転期間", "2.1か月", "2.4か月", "1.8か月"),
        ("自己資本比率", "24%", "21%", "30%"),
    ):
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
