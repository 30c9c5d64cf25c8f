"""Context builders for the case pages (thin: the reads live in selectors)."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.translation import gettext as _

from knowhow.models import KnowHowPage

from . import selectors

PAGE_SIZE = 20

FILTER_LABELS = {
    "industry": _("業種"),
    "region": _("地域"),
    "employees": _("従業員数"),
    "phase": _("フェーズ"),
    "tool": _("ツール"),
    "scale_phase": _("規模×局面"),
}


def case_list_context(request, index_page) -> dict:
    selected, rejected = selectors.clean_filters(dict(request.GET.lists()))
    base = selectors.published_cases().descendant_of(index_page)
    filtered = selectors.newest_first(selectors.apply_filters(base, selected))
    paginator = Paginator(filtered, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    page.object_list = list(selectors.with_list_data(page.object_list))
    facets = selectors.facet_options(base, selected)
    return {
        "cases": page,
        "total": paginator.count,
        "facets": [(name, FILTER_LABELS[name], facets[name]) for name in selectors.FILTERS],
        "selected": selected,
        "rejected_filters": rejected,
    }


def case_detail_context(case) -> dict:
    sections = list(case.sections.all())
    knowhow = (
        KnowHowPage.objects.live()
        .public()
        .filter(case_links__case=case)
        .order_by("title")
        .distinct()
    )
    return {
        "sections": sections,
        "related_knowhow": list(knowhow),
        "related_cases": selectors.related_cases(case),
        "hashtags": list(case.hashtags.all()),
        "index_url": case.get_parent().get_url(),
    }
