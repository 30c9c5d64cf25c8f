"""The admin pages each role uses, as URLs built around a case and a curriculum of the test's own."""

from django.urls import reverse
from wagtail.models import Page


def admin_pages(role: str) -> list[str]:
    from cases.models import CaseIndexPage
    from tests.factories import CasePageFactory, CurriculumPageFactory
    from training.models import CurriculumIndexPage

    curricula = CurriculumIndexPage.objects.get()
    curriculum = CurriculumPageFactory()
    common = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_account"),
        reverse("wagtailadmin_explore", args=[curricula.pk]),
        reverse("wagtailadmin_pages:edit", args=[curriculum.pk]),
        reverse("wagtailadmin_pages:history", args=[curriculum.pk]),
        reverse("wagtailadmin_choose_page") + "?q=事例",
        reverse("wagtailimages:index"),
        reverse("wagtaildocs:index"),
    ]
    if role == "trainer":
        return common
    cases = CaseIndexPage.objects.get()
    case = CasePageFactory()
    pages = [
        *common,
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_explore", args=[cases.pk]),
        reverse("wagtailadmin_pages:edit", args=[case.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[cases.pk]),
        reverse("wagtailadmin_pages:add", args=["cases", "casepage", cases.pk]),
        reverse("wagtailadmin_pages:search") + "?q=事例",
        reverse("publishing_admin:queue"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        reverse("wagtailadmin_reports:locked_pages"),
        reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailadmin_reports:site_history"),
    ]
    if role == "secretariat":
        pages += [
            reverse("wagtailsnippets_engagements_engagement:list"),
            reverse("wagtailsnippets_accounts_organisation:list"),
            reverse("wagtailsnippets_taxonomy_term:list"),
            reverse("wagtailsnippets_search_synonym:list"),
            reverse("wagtailsnippets_engagements_engagement:add"),
        ]
    _ = Page  # the root page id is not needed: explore_root lists it
    return pages
