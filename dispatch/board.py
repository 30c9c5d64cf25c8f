"""The monitoring board (seed report §2-2-1): one row per active engagement, with flags.

The secretariat and the support members used to read every uploaded plan and report and keep a
shared file for the weekly meeting; the board computes the same from the records: visits done and
planned, the last plan and report, the latest satisfaction and 気づき answers, and four flags
(a visit without its report after N days, a 不満/非常に不満 answer, an overdue survey, no visit
for N days; N are settings, dispatch/conf.py), and a fifth when the team has asked the
secretariat for help and the support request (支援要請, §2-2-2) is not closed yet.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagements.models import Engagement, Record, RecordVersion, Visit
from surveys.questions import BY_FIELD
from taxonomy.vocabularies import PREFECTURE

from . import conf
from .interchange import safe_cell, text_workbook
from .models import SupportRequest

NO_REPORT = "no_report"
DISSATISFIED = "dissatisfied"
SURVEY_OVERDUE = "survey_overdue"
IDLE = "idle"
SUPPORT = "support"
FLAGS = {
    NO_REPORT: _("報告の遅れ"),
    DISSATISFIED: _("不満の回答"),
    SURVEY_OVERDUE: _("アンケート期限切れ"),
    IDLE: _("訪問の間隔"),
    SUPPORT: _("支援要請"),
}
UNHAPPY = {"dissatisfied", "very-dissatisfied"}
REGION_OF = {code: region for code, _label, region in PREFECTURE}


@dataclass
class BoardRow:
    engagement: Engagement
    region: str
    visits_done: int
    visits_planned: int
    last_plan: dt.date | None
    last_report: dt.date | None
    days_since_report: int | None
    satisfaction: str
    awareness: list[str]
    flags: dict[str, str] = field(default_factory=dict)  # flag → the sentence that explains it


def _label(question: str, code: str) -> str:
    return str(dict(BY_FIELD[question].choices).get(code, code))


def rows(*, today: dt.date | None = None) -> list[BoardRow]:
    """Every active engagement, flagged ones first."""
    today = today or timezone.localdate()
    report_days, idle_days = conf.report_days(), conf.idle_days()
    engagements = (
        Engagement.objects.filter(status=Engagement.Status.ACTIVE)
        .select_related("company", "requesting_body")
        .prefetch_related(
            Prefetch(
                "visits",
                queryset=Visit.objects.select_related("survey__response").order_by("number"),
            )
        )
    )
    # The newest saved version of each plan and report, by visit: two queries for the board.
    saved = (
        RecordVersion.objects.filter(
            record__engagement__status=Engagement.Status.ACTIVE,
            record__kind__in=[Record.Kind.VISIT_PLAN, Record.Kind.VISIT_REPORT],
        )
        .values("record__visit_id", "record__kind")
        .annotate(last=Max("created_at"))
    )
    last_saved = {(s["record__visit_id"], s["record__kind"]): s["last"] for s in saved}
    # Support requests not closed yet, by engagement and status: one query for the board.
    pending: dict[int, dict[str, int]] = {}
    for s in (
        SupportRequest.objects.filter(engagement__status=Engagement.Status.ACTIVE)
        .exclude(status=SupportRequest.Status.CLOSED)
        .values("engagement_id", "status")
        .annotate(n=Count("pk"))
    ):
        pending.setdefault(s["engagement_id"], {})[s["status"]] = s["n"]
    result = []
    for engagement in engagements:
        visits = list(engagement.visits.all())
        held = [v for v in visits if v.scheduled_on and v.scheduled_on <= today]
        plans = [last_saved.get((v.pk, Record.Kind.VISIT_PLAN)) for v in visits]
        reports = [last_saved.get((v.pk, Record.Kind.VISIT_REPORT)) for v in visits]
        last_plan = max((p for p in plans if p), default=None)
        last_report = max((r for r in reports if r), default=None)
        last_report_date = timezone.localdate(last_report) if last_report else None
        answers = [
            v.survey.response
            for v in visits
            if hasattr(v, "survey") and hasattr(v.survey, "response")
        ]
        latest = max(answers, key=lambda a: a.answered_at, default=None)
        row = BoardRow(
            engagement=engagement,
            region=REGION_OF.get(engagement.company.prefecture, ""),
            visits_done=len(held),
            visits_planned=len(visits),
            last_plan=timezone.localdate(last_plan) if last_plan else None,
            last_report=last_report_date,
            days_since_report=(today - last_report_date).days if last_report_date else None,
            satisfaction=_label("q6", latest.q6) if latest else "",
            awareness=[_label("q3", code) for code in latest.q3] if latest else [],
        )
        late = [
            v
            for v in held
            if not last_saved.get((v.pk, Record.Kind.VISIT_REPORT))
            and (today - v.scheduled_on).days >= report_days
        ]
        if late:
            row.flags[NO_REPORT] = str(
                _("%(visit)sから %(days)d 日以上、実施報告がありません。")
                % {"visit": late[0], "days": report_days}
            )
        unhappy = [a for a in answers if a.q6 in UNHAPPY]
        if unhappy:
            row.flags[DISSATISFIED] = str(
                _("「%(answer)s」の回答があります。") % {"answer": _label("q6", unhappy[-1].q6)}
            )
        overdue = [
            v
            for v in visits
            if hasattr(v, "survey")
            and not hasattr(v.survey, "response")
            and v.survey.deadline
            and v.survey.deadline < today
        ]
        if overdue:
            row.flags[SURVEY_OVERDUE] = str(
                _("%(visit)sのアンケートが回答期限を過ぎています。") % {"visit": overdue[0]}
            )
        last_visit = max((v.scheduled_on for v in held), default=None) or engagement.started_on
        if last_visit and (today - last_visit).days >= idle_days:
            row.flags[IDLE] = str(
                _("%(days)d 日間、訪問がありません（最後は %(date)s）。")
                % {"days": (today - last_visit).days, "date": last_visit.strftime("%Y-%m-%d")}
            )
        if engagement.pk in pending:
            counts = pending[engagement.pk]
            row.flags[SUPPORT] = str(
                _("事務局への支援要請が %(total)d 件、完了していません（%(detail)s）。")
                % {
                    "total": sum(counts.values()),
                    "detail": "、".join(
                        _("%(status)s %(count)d 件")
                        % {"status": SupportRequest.Status(status).label, "count": counts[status]}
                        for status in SupportRequest.Status.values
                        if status in counts
                    ),
                }
            )
        result.append(row)
    result.sort(key=lambda r: (-len(r.flags), r.engagement.code))
    return result


def filtered(
    all_rows: list[BoardRow], *, region: str = "", body: str = "", flag: str = ""
) -> list[BoardRow]:
    return [
        r
        for r in all_rows
        if (not region or r.region == region)
        and (not body or str(r.engagement.requesting_body_id or "") == body)
        and (not flag or flag in r.flags)
    ]


def as_xlsx(board_rows: list[BoardRow]) -> bytes:
    """The weekly summary for the secretariat's meeting (every cell as text, never a formula)."""
    header = [
        _("案件番号"),
        _("案件名"),
        _("派遣先企業"),
        _("要請機関"),
        _("訪問（実施／予定）"),
        _("最新の事前計画"),
        _("最新の実施報告"),
        _("報告からの日数"),
        _("最新の満足度"),
        _("最新の気づき"),
        _("フラグ"),
    ]
    rows = (
        [
            r.engagement.code,
            r.engagement.title,
            r.engagement.company.name,
            r.engagement.requesting_body.name if r.engagement.requesting_body else "",
            f"{r.visits_done}/{r.visits_planned}",
            r.last_plan.isoformat() if r.last_plan else "",
            r.last_report.isoformat() if r.last_report else "",
            "" if r.days_since_report is None else str(r.days_since_report),
            r.satisfaction,
            "、".join(r.awareness),
            " ".join(r.flags.values()),
        ]
        for r in board_rows
    )
    return text_workbook(
        str(_("支援状況")), [str(h) for h in header], ([safe_cell(v) for v in row] for row in rows)
    )


def support_counts() -> list[tuple[str, str, int]]:
    """(status, label, how many) of the support requests the secretariat has still to close."""
    counts = dict(
        SupportRequest.objects.exclude(status=SupportRequest.Status.CLOSED)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [
        (status, label, counts.get(status, 0))
        for status, label in SupportRequest.Status.choices
        if status != SupportRequest.Status.CLOSED
    ]
