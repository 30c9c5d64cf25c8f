"""Demo registry (fictional supporters) and a few open requests, so the matching page is not empty;
a stalled engagement and two open support requests (支援要請), so the board has flags to show.

Loaded by `load_demo` with the demo accounts; created once through the real importer (so the
demo data is in the format), never overwritten on a second run.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from engagements import services as engagement_services
from engagements.models import Engagement, EngagementMember, Record, Visit

from . import interchange
from .models import DispatchRequest, Supporter, SupportRequest

SURNAMES = [
    "青木",
    "石井",
    "上田",
    "遠藤",
    "大野",
    "岡本",
    "加藤",
    "木村",
    "工藤",
    "小松",
    "斎藤",
    "坂本",
    "清水",
    "杉山",
    "関口",
    "高木",
    "田村",
    "千葉",
    "土屋",
    "中島",
    "西村",
    "野口",
]
GIVEN = [
    "明",
    "彩",
    "修",
    "薫",
    "健",
    "聡",
    "忍",
    "翼",
    "智子",
    "直樹",
    "寛",
    "真理",
    "恵",
    "洋平",
    "由美",
    "亮",
    "和也",
    "綾香",
    "昌弘",
    "典子",
    "浩二",
    "里美",
]
# Spread over the country, denser where the demo requests are (石川, 富山, 福岡, 宮城).
HOMES = [
    "17",
    "16",
    "18",
    "15",
    "21",
    "20",
    "13",
    "14",
    "11",
    "27",
    "26",
    "28",
    "40",
    "41",
    "43",
    "35",
    "04",
    "03",
    "07",
    "01",
    "34",
    "37",
]
COURSES = ("intro-video", "skills-1", "skills-2", "skills-3")
INDUSTRIES = "EIMDHPRG"

REQUESTS = [
    {
        "id": "demo-req-0001",
        "received": "2026-05-10",
        "company": {
            "id": "demo-co-0001",
            "name": "株式会社能登精工（架空）",
            "industry": "E",
            "prefecture": "17",
            "employees": "21-50",
            "sales": "100m-1b",
            "owner_type": "successor-family",
            "owner_age": "40s",
        },
        "requesting_body": {"id": "yorozu-17", "kind": "yorozu", "prefecture": "17"},
        "approach": "issue-setting",
        "needs": "事業承継を終えたばかりの社長が、何から手をつけるか整理したい。",
        "desired": "製造現場の話を聴ける方",
        "exclude": ["demo-sup-0005"],
        "consent_signed": "2026-05-20",
    },
    {
        "id": "demo-req-0002",
        "received": "2026-05-18",
        "company": {
            "id": "demo-co-0002",
            "name": "有限会社立山観光（架空）",
            "industry": "M",
            "prefecture": "16",
            "employees": "6-20",
            "sales": "under-100m",
            "owner_type": "founder",
            "owner_age": "60s",
        },
        "requesting_body": {"id": "chamber-16", "kind": "chamber", "prefecture": "16"},
        "approach": "issue-setting",
        "needs": "客数が戻らない。社長と従業員の思いがすれ違っている。",
        "desired": "",
        "exclude": [],
        "consent_signed": None,
    },
    {
        "id": "demo-req-0003",
        "received": "2026-06-02",
        "company": {
            "id": "demo-co-0003",
            "name": "博多ロジテック株式会社（架空）",
            "industry": "H",
            "prefecture": "40",
            "employees": "51-100",
            "sales": "1b-5b",
            "owner_type": "successor-internal",
            "owner_age": "50s",
        },
        "requesting_body": {"id": "meti-kyushu", "kind": "meti-bureau", "prefecture": "40"},
        "approach": "issue-solving",
        "needs": "配車の属人化を解消したい。課題は社内で特定済み。",
        "desired": "IT 化の支援経験",
        "exclude": [],
        "consent_signed": "2026-06-10",
    },
    {
        "id": "demo-req-0004",
        "received": "2026-06-05",
        "company": {
            "id": "demo-co-0004",
            "name": "仙台みらい食品株式会社（架空）",
            "industry": "E",
            "prefecture": "04",
            "employees": "101-300",
            "sales": "1b-5b",
            "owner_type": "founder",
            "owner_age": "70s+",
        },
        "requesting_body": {"id": "bank-04", "kind": "financial-institution", "prefecture": "04"},
        "approach": "issue-setting",
        "needs": "後継者が決まらない。社長の考えを言葉にするところから。",
        "desired": "",
        "exclude": [],
        "consent_signed": None,
    },
]


def demo_supporters(count: int = 44) -> list[dict]:
    supporters = []
    for i in range(1, count + 1):
        category = 1 if i % 3 == 0 else 2
        home = HOMES[i % len(HOMES)]
        # Most have finished their courses; a few have not, so the training list has people.
        training = dict.fromkeys(COURSES, "completed")
        if i % 7 == 0:
            training["skills-3"] = "registered"
        if i % 11 == 0:
            training = {"intro-video": "completed"}
        supporters.append(
            {
                "id": f"demo-sup-{i:04d}",
                "name": "山本 誠"
                if i == 1
                else f"{SURNAMES[i % len(SURNAMES)]} {GIVEN[(i * 5) % len(GIVEN)]}",
                # The first one is the demo supporter's account (shienin@demo.example).
                "email": "shienin@demo.example" if i == 1 else f"demo-sup-{i:04d}@demo.example",
                "category": category,
                "recommended_by": "diagnosis-association",
                "home_prefecture": home,
                "travel": ("neighbouring", "own-prefecture", "anywhere")[i % 3],
                "qualifications": ["sme-consultant"] + (["bank-staff"] if i % 8 == 0 else []),
                "training": training,
                "type": 1 + (i * 3) % 5,
                "max_engagements": 2 if i % 4 else 3,
                "experience": [
                    {
                        "industry": INDUSTRIES[(i + j) % len(INDUSTRIES)],
                        "employees": "21-50",
                        "content": "経営計画づくりの伴走",
                        "role": ("lead", "member")[j % 2],
                        "years": 2 + (i + j) % 6,
                    }
                    for j in range(1 + i % 2)
                ],
                "conflicts": [
                    {
                        "industry": "E",
                        "prefecture": home,
                        "company": None,
                        "note": "顧問先が同業（架空）",
                    }
                ]
                if i % 9 == 0
                else [],
                "relationships": [
                    {"with": "req-body:yorozu-17", "kind": "positive", "note": "以前の支援で好評"}
                ]
                if i % 10 == 0
                else [],
                "motto": "経営者の言葉を待つ" if i % 2 else "",
                "notes": "面談済み。物腰が柔らかい（架空のメモ）" if i % 5 == 0 else "",
            }
        )
    return supporters


@transaction.atomic
def load_dispatch() -> dict[str, int]:
    """Creates the demo registry and requests once; existing ids are left as they are."""
    counts = {}
    for kind, objects, model in (
        (interchange.SUPPORTERS, demo_supporters(), Supporter),
        (interchange.REQUESTS, REQUESTS, DispatchRequest),
    ):
        existing = set(model.objects.values_list("external_id", flat=True))
        new = [o for o in objects if o["id"] not in existing]
        rows = list(enumerate(new, start=1))
        if rows:
            interchange.import_objects(kind, interchange.check_rows(kind, rows))
        counts[kind] = len(new)
    counts["stalled"] = _stalled_engagement()
    counts["support"] = _support_requests()
    return counts


STALLED_CODE = "2026-099"  # a demo engagement whose reports stopped (the board flags it)


def _stalled_engagement() -> int:
    """An engagement whose second visit has no report and that has not been visited for weeks,
    dated from today, so the monitoring board always has a flagged row to show."""
    if Engagement.objects.filter(code=STALLED_CODE).exists():
        return 0
    supporter = Supporter.objects.filter(external_id="demo-sup-0001").select_related("user").first()
    company, _created = Organisation.objects.get_or_create(
        name="株式会社みなと製作所（架空）",
        kind=Organisation.Kind.COMPANY,
        defaults={"prefecture": "17", "industry": "E"},
    )
    today = timezone.localdate()
    engagement = Engagement.objects.create(
        code=STALLED_CODE,
        title="みなと製作所 伴走支援（報告が滞っている例）",
        company=company,
        started_on=today - dt.timedelta(days=80),
    )
    if supporter and supporter.user:
        EngagementMember.objects.create(
            engagement=engagement, user=supporter.user, role="supporter"
        )
    author = supporter.user if supporter else None
    for number, days_ago in ((1, 70), (2, 55)):
        visit = Visit.objects.create(
            engagement=engagement, number=number, scheduled_on=today - dt.timedelta(days=days_ago)
        )
        plan = engagement_services.record_for(engagement, Record.Kind.VISIT_PLAN, visit)
        engagement_services.record_save(
            record=plan, base_version=0, data={"purpose": "現状の把握"}, author=author
        )
        if number == 1:  # the second visit's report never came
            report = engagement_services.record_for(engagement, Record.Kind.VISIT_REPORT, visit)
            engagement_services.record_save(
                record=report,
                base_version=0,
                data={"held_on": visit.scheduled_on.isoformat(), "happened": "社長の話を伺った"},
                author=author,
            )
    return 1


# Open support requests of demo engagements: (engagement code, who raised it, category, text,
# the secretariat member handling it or None for 受付).
SUPPORT_REQUESTS = [
    (
        "2026-002",
        "jisshi@demo.example",
        SupportRequest.Category.TEAM,
        "次回の訪問日程がサポートメンバーの方と合いません。チームの日程調整をお願いできますか。",
        None,
    ),
    (
        STALLED_CODE,
        "shienin@demo.example",
        SupportRequest.Category.COMPANY,
        "2 回目の訪問のあと、社長と連絡が取りにくくなりました。報告も止まっています。"
        "このまま続けるか、進め方を相談させてください。",
        "jimukyoku@demo.example",
    ),
]


def _support_requests() -> int:
    """Created directly, without mails (demo data); only for engagements that have none yet."""
    created = 0
    for code, raised_by, category, body, assignee in SUPPORT_REQUESTS:
        engagement = Engagement.objects.filter(code=code).first()
        if engagement is None or engagement.support_requests.exists():
            continue
        SupportRequest.objects.create(
            engagement=engagement,
            category=category,
            body=body,
            raised_by=User.objects.filter(email=raised_by).first(),
            assignee=User.objects.filter(email=assignee).first() if assignee else None,
            status=SupportRequest.Status.ASSIGNED if assignee else SupportRequest.Status.OPEN,
        )
        created += 1
    return created
