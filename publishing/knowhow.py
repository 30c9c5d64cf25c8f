"""Codifying know-how: a lesson from a case becomes (part of) a know-how article linked to it."""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases.models import CasePage
from knowhow.models import KnowHowCaseLink, KnowHowIndexPage, KnowHowPage
from privacy.anonymise import blocking_findings

from .gate import KIND_LABELS, known_for


class KnowHowError(Exception):
    """The lesson cannot be used as written; the message says why."""


@transaction.atomic
def knowhow_codify(
    *, case: CasePage, user, existing=None, title="", skill="", phases=(), lesson: str
) -> KnowHowPage:
    """Adds the lesson and a link to `case` to a know-how draft (a new article or an existing one)."""
    found = blocking_findings(lesson, known_for(case))
    if found:
        raise KnowHowError(
            _("教訓に個人を特定できる情報が含まれています: %(items)s")
            % {"items": "、".join(f"{KIND_LABELS.get(f.kind, f.kind)}「{f.text}」" for f in found)}
        )
    paragraph = _("**事例「%(case)s」から**\n\n%(lesson)s") % {"case": case.title, "lesson": lesson}
    if existing is not None:
        article = existing.get_latest_revision_as_object()
        article.body.append(("text", paragraph))
        if phases:
            article.phases = " ".join(dict.fromkeys([*article.phases.split(), *phases]))
    else:
        article = KnowHowPage(
            title=title,
            slug=slugify(title, allow_unicode=True)[:50] or "knowhow",
            skill=skill,
            phases=" ".join(phases),
            summary=lesson.split("。")[0][:200] + ("。" if "。" in lesson else ""),
            body=[("text", paragraph)],
            live=False,
            owner=user,
        )
    if not any(link.case_id == case.pk for link in article.case_links.all()):
        article.case_links.add(KnowHowCaseLink(case=case))
    if existing is None:
        index = KnowHowIndexPage.objects.get()
        base, n = article.slug, 1
        while KnowHowPage.objects.child_of(index).filter(slug=article.slug).exists():
            n += 1
            article.slug = f"{base}-{n}"
        index.add_child(instance=article)
    article.save_revision(user=user, log_action=True)
    return article
