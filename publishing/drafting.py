"""A first case draft from an engagement's records: the editor rewrites from there.

The draft keeps the reports' wording, names included; the anonymisation assistant and the publish
gate take care of those before anything is published.
"""

import io
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cases.models import CaseIndexPage, CasePage, CaseSection, new_external_id
from engagements.forms import RECORD_FORMS
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
        labels = {
            name: label for name, label, _v in RECORD_FORMS[Record.Kind.VISIT_REPORT].display({})
        }
        paragraphs = []
        tools: dict[str, None] = {}
        for number, _date, data in group:
            paragraphs.append(f"**{_('第%(n)s回') % {'n': number}}** {data.get('happened', '')}")
            if data.get("owner_voice"):
                paragraphs.append(f"{labels['owner_voice']}: {data['owner_voice']}")
            if data.get("next_steps"):
                paragraphs.append(f"{labels['next_steps']}: {data['next_steps']}")
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
        title=_("（下書き）%(industry)sの伴走支援事例")
        % {"industry": terms.label(Vocabulary.INDUSTRY, company.industry)},
        slug=external_id,
        external_id=external_id,
        lead=plan_data.get("team_goal") or reports[0][2].get("happened", ""),
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
        background=plan_data.get("plan", ""),
        outcomes=reports[-1][2].get("owner_voice", ""),
        source_engagement=engagement,
        live=False,
        owner=user,
    )
    page.sections = _sections(reports, _photos(engagement))
    CaseIndexPage.objects.get().add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page
