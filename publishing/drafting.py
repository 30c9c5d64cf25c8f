"""A first case draft from an engagement's records: the editor rewrites from there.

Each section gets what belongs there (docs/architecture.md, "Case drafts"):

- リード文: what changed (how far the phases went, and the last report's closing sentence);
- 当社の背景: the company profile, its situation as the first report found it, and the team's
  goal; never the visit schedule of the activity plan;
- phase bodies: each visit as prose (実施内容, the owner's words, what was agreed), without the
  form's labels; the team's 懸念事項 stay in the engagement;
- 本事例のポイント and hashtags: suggested by simple rules over the reports (suggested_key_points,
  suggested_hashtags), for the reviewer to keep, rewrite or drop;
- 要請機関 and 支援者のタイプ: carried over from the engagement and the supporter registry.

The draft keeps the reports' wording, names included; the anonymisation assistant and the publish
gate take care of those before anything is published.
"""

import io
import re
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images import get_image_model

from cases.models import CaseIndexPage, CasePage, CaseSection, CaseTag, new_external_id
from engagements.models import Attachment, Engagement, Record
from taxonomy import terms
from taxonomy.vocabularies import Vocabulary

from .media import media_collections
from .storage import PRIVATE_PREFIX


class DraftError(Exception):
    """The engagement lacks what a case needs; the message says what to register."""


def employees_band(n: int | None) -> str:
    for limit, code in ((5, "1-5"), (20, "6-20"), (50, "21-50"), (100, "51-100"), (300, "101-300")):
        if n is not None and n <= limit:
            return code
    return "301+" if n is not None else ""


def sales_band(million_yen: int | None) -> str:
    if million_yen is None:
        return ""
    for limit, code in ((100, "under-100m"), (1000, "100m-1b"), (5000, "1b-5b"), (10000, "5b-10b")):
        if million_yen < limit:
            return code
    return "10b+"


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    if age >= 70:
        return "70s+"
    return f"{max(2, min(age // 10, 6))}0s"


def _reports(engagement: Engagement) -> list[tuple[int, str, dict]]:
    """(visit number, visit date, report data) of every visit with a report, in visit order."""
    rows = []
    records = Record.objects.filter(
        engagement=engagement, kind=Record.Kind.VISIT_REPORT, version__gt=0
    ).select_related("visit")
    for record in sorted(records, key=lambda r: r.visit.number):
        rows.append(
            (record.visit.number, str(record.visit.scheduled_on or ""), record.current().data)
        )
    return rows


def _photos(engagement: Engagement) -> dict[int, list]:
    """Report photos per visit number as Wagtail images (already re-encoded without metadata).

    Titles carry no file name: names written by the uploader stay out of the case. The images
    are private (collection and storage, publishing/media.py) until the case is published.
    """
    Image = get_image_model()
    private = media_collections().private
    photos: dict[int, list] = {}
    attachments = Attachment.objects.filter(
        visit__engagement=engagement, slot=Attachment.Slot.VISIT_REPORT, kind="image"
    ).select_related("visit")
    latest = {}
    for a in attachments.order_by("visit__number", "name_key", "-version"):
        latest.setdefault((a.visit_id, a.name_key), a)
    for a in latest.values():
        number = a.visit.number
        with a.file.open("rb") as handle:
            content = handle.read()
        with PILImage.open(io.BytesIO(content)) as decoded:
            width, height = decoded.size
        image = Image(
            title=_("%(code)s 第%(n)s回の写真") % {"code": engagement.code, "n": number},
            collection=private,
        )
        # The prefix puts the file (and its renditions) in private storage from the start.
        extension = a.file.name.rsplit(".", 1)[-1]
        image.file.save(
            f"{PRIVATE_PREFIX}{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False
        )
        # Set after the file: assigning it resets the dimension fields.
        image.width, image.height = width, height
        image.save()
        photos.setdefault(number, []).append(image)
    return photos


def _sentences(text: str) -> list[str]:
    """The sentences of a report field (a quote 「…。」 stays whole)."""
    out, depth, current = [], 0, ""
    for ch in (text or "").strip():
        current += ch
        depth += {"「": 1, "」": -1}.get(ch, 0)
        if ch in "。！？" and depth <= 0:
            out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out


def _visit_prose(number: int, data: dict) -> str:
    """One visit as a paragraph of prose: what happened, what the owner said, what was agreed.

    No form labels (「経営者の発言・気づき:」): the reader of a case reads a story, not a form.
    The 懸念事項 field stays out: it is the team's internal worry, often with names and numbers.
    """
    parts = [data.get("happened") or ""]
    if data.get("owner_voice"):
        parts.append(data["owner_voice"])
    if data.get("next_steps"):
        parts.append(data["next_steps"])
    body = "\n\n".join(p.strip() for p in parts if p and p.strip())
    return f"**{_('第%(n)s回') % {'n': number}}** {body}"


def _sections(reports, photos=None) -> list[CaseSection]:
    """Consecutive visits that reached the same phase become one section."""
    sections: list[CaseSection] = []
    phase, group = None, []

    def flush():
        if not group:
            return
        first, last = group[0][0], group[-1][0]
        heading = (
            _("第%(n)s回の訪問") % {"n": first}
            if first == last
            else _("第%(a)s回〜第%(b)s回の訪問") % {"a": first, "b": last}
        )
        tools: dict[str, None] = {}
        paragraphs = []
        for number, _date, data in group:
            paragraphs.append(_visit_prose(number, data))
            tools.update(dict.fromkeys(data.get("tools_used") or []))
        body = [("text", "\n\n".join(paragraphs))]
        for number, _date, _data in group:
            for image in (photos or {}).get(number, []):
                # The editor checks every photo (names on a whiteboard) and rewrites the alt text.
                alt = _("第%(n)s回の訪問で使ったホワイトボードの写真") % {"n": number}
                body.append(("figure", {"image": image, "alt": alt, "caption": ""}))
        sections.append(CaseSection(phase=phase, heading=heading, body=body, tools=" ".join(tools)))

    for number, date, data in reports:
        reached = (data.get("phase_reached") or [phase or "mutual-understanding"])[-1]
        if reached != phase:
            flush()
            phase, group = reached, []
        group.append((number, date, data))
    flush()
    return sections


# --- the suggested parts: explainable, from the reports alone -------------------------------------


def _tools_in_order(reports) -> list[str]:
    seen: dict[str, None] = {}
    for _n, _d, data in reports:
        seen.update(dict.fromkeys(data.get("tools_used") or []))
    return list(seen)


def _phases_in_order(reports) -> list[str]:
    seen: dict[str, None] = {}
    for _n, _d, data in reports:
        seen.update(dict.fromkeys(data.get("phase_reached") or []))
    order = list(terms.terms(Vocabulary.PHASE))
    return sorted(seen, key=lambda c: order.index(c) if c in order else len(order))


def _phase_short(code: str) -> str:
    info = terms.terms(Vocabulary.PHASE).get(code)
    return info.display if info else code


def _main_change(reports) -> str:
    """What changed, in the team's words: the last sentence of the last report's 実施内容 (the
    visit usually ends on what the owner decided)."""
    sentences = _sentences(reports[-1][2].get("happened", ""))
    return sentences[-1] if sentences else ""


def _awareness_quote(reports) -> str:
    """The owner's first words at the visit that first reached 気づき・腹落ち (else the last visit)."""
    for _n, _d, data in reports:
        if "awareness" in (data.get("phase_reached") or []) and data.get("owner_voice"):
            return _sentences(data["owner_voice"])[0]
    voice = reports[-1][2].get("owner_voice") or ""
    return _sentences(voice)[0] if voice else ""


def suggested_lead(reports) -> str:
    """The lead says what changed: how far the engagement got, and the last visit's outcome."""
    phases = _phases_in_order(reports)
    opening = _("全%(n)s回の訪問で「%(first)s」から「%(last)s」まで進んだ伴走支援。") % {
        "n": len(reports),
        "first": _phase_short(phases[0]) if phases else "",
        "last": _phase_short(phases[-1]) if phases else "",
    }
    return f"{opening}{_main_change(reports)}"


def suggested_key_points(reports) -> list[str]:
    """本事例のポイント, each from one rule a reviewer can check against the reports:
    the path through the phases, the tools that carried the dialogue, the owner's own words at
    the moment of awareness, and the main change (last sentence of the last report)."""
    points = []
    phases = _phases_in_order(reports)
    if phases:
        points.append(
            _("%(path)s と段階を踏んで進めた。")
            % {"path": " → ".join(_phase_short(p) for p in phases)}
        )
    tools = _tools_in_order(reports)
    if tools:
        points.append(
            _("%(tools)sを対話のきっかけとして使った。")
            % {"tools": "、".join(terms.label(Vocabulary.TOOL, t) for t in tools)}
        )
    quote = _awareness_quote(reports)
    if quote:
        points.append(_("経営者自身の言葉で課題が語られた: %(quote)s") % {"quote": quote})
    change = _main_change(reports)
    if change:
        points.append(change)
    return points


def suggested_hashtags(reports, *, industry: str) -> list[str]:
    """The tools used (most used first) and the industry: words a reader filters by."""
    counts: dict[str, int] = {}
    for _n, _d, data in reports:
        for tool in data.get("tools_used") or []:
            counts[tool] = counts.get(tool, 0) + 1
    order = _tools_in_order(reports)
    tools = sorted(order, key=lambda t: (-counts[t], order.index(t)))[:4]
    tags = [terms.label(Vocabulary.TOOL, t) for t in tools]
    if industry:
        tags.append(terms.terms(Vocabulary.INDUSTRY)[industry].display)
    # Tag names cannot hold spaces or commas in the editor's tag field.
    return list(dict.fromkeys(re.sub(r"[\s,、]+", "", t) for t in tags if t))


def suggested_background(engagement: Engagement, reports, plan_data: dict) -> str:
    """当社の背景: the company as the profile describes it, its situation as the first report found
    it, and why the support started (the team's goal). Never the visit schedule (活動計画の
    「訪問全体の計画」), which is the team's working plan, not the company's background."""
    company = engagement.company
    profile = _("当社は%(industry)sの企業（従業員規模: %(employees)s）。") % {
        "industry": terms.terms(Vocabulary.INDUSTRY)[company.industry].display,
        "employees": terms.label(Vocabulary.EMPLOYEES, employees_band(company.employees)),
    }
    parts = [profile, reports[0][2].get("happened", "")]
    if plan_data.get("team_goal"):
        parts.append(
            _("支援チームは次の状態を目指して支援を始めた。%(goal)s")
            % {"goal": plan_data["team_goal"]}
        )
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def requesting_body_code(engagement: Engagement) -> str:
    """The 要請機関 vocabulary code: the dispatch request's, else read from the body's name."""
    dispatch_request = getattr(engagement, "dispatch_request", None)
    if dispatch_request is not None and dispatch_request.body_kind:
        return dispatch_request.body_kind
    body = engagement.requesting_body
    if body is None:
        return ""
    for word, code in (
        ("商工会議所", "chamber"),
        ("商工会", "shokokai"),
        ("よろず支援拠点", "yorozu"),
        ("信用金庫", "financial-institution"),
        ("信用組合", "financial-institution"),
        ("銀行", "financial-institution"),
        ("経済産業局", "meti-bureau"),
        ("中小企業基盤整備機構", "smrj"),
        ("診断協会", "diagnosis-association"),
    ):
        if word in body.name:
            return code
    return "other"


def supporter_type_code(engagement: Engagement) -> str:
    """From the registry's 特性タイプ of the team's supporter: 1–2 ゼネラリスト型, 4–5 専門特化型,
    3 (or no registry entry) left for the reviewer."""
    member = engagement.members.filter(role="supporter").select_related("user").first()
    profile = getattr(member.user, "supporter_profile", None) if member else None
    if profile is None:
        return ""
    if profile.supporter_type <= 2:
        return "generalist"
    if profile.supporter_type >= 4:
        return "specialist"
    return ""


def case_draft_from_engagement(engagement: Engagement, *, user) -> CasePage:
    """Creates an unpublished case page prefilled from the engagement, with a first revision."""
    company = engagement.company
    missing = [
        label
        for label, value in (
            (_("業種"), company.industry),
            (_("都道府県"), company.prefecture),
            (_("従業員数"), company.employees),
        )
        if value in ("", None)
    ]
    if missing:
        raise DraftError(
            _(
                "派遣先企業の%(fields)sが登録されていないため、基礎情報を作れません。組織の登録内容を補ってください。"
            )
            % {"fields": "・".join(missing)}
        )
    reports = _reports(engagement)
    if not reports:
        raise DraftError(_("実施報告がまだ 1 件もありません。"))
    plan = engagement.activity_plan()
    plan_data = plan.current().data if plan and plan.version else {}
    dates = [d[:7] for _n, d, _data in reports if d]
    external_id = new_external_id()
    page = CasePage(
        title=_("%(industry)sの伴走支援事例")
        % {"industry": terms.label(Vocabulary.INDUSTRY, company.industry)},
        slug=external_id,
        external_id=external_id,
        lead=suggested_lead(reports),
        industry=company.industry,
        prefecture=company.prefecture,
        region=terms.terms(Vocabulary.PREFECTURE)[company.prefecture].parent,
        employees=employees_band(company.employees),
        sales=sales_band(company.sales_million_yen),
        owner_type=company.owner_type,
        owner_age=age_band(company.owner_age),
        visits=len(reports),
        started=dates[0] if dates else "",
        ended=dates[-1] if dates and engagement.status == Engagement.Status.CLOSED else "",
        background=suggested_background(engagement, reports, plan_data),
        outcomes="\n\n".join(
            p for p in (_main_change(reports), reports[-1][2].get("owner_voice", "")) if p
        ),
        requesting_body=requesting_body_code(engagement),
        supporter_type=supporter_type_code(engagement),
        source_engagement=engagement,
        live=False,
        owner=user,
    )
    page.sections = _sections(reports, _photos(engagement))
    page.key_points = [("point", p) for p in suggested_key_points(reports)]
    page.tagged_items = [
        CaseTag(tag=Tag.objects.get_or_create(name=name)[0])
        for name in suggested_hashtags(reports, industry=company.industry)
    ]
    CaseIndexPage.objects.get().add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page
