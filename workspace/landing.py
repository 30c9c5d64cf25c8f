"""Where each role's work starts, so that nobody lands on a page that is empty for them."""

from django.urls import reverse

from accounts import roles
from cases.models import CaseIndexPage
from training.models import CurriculumIndexPage

# Engagement team roles: their work is the engagements they belong to.
TEAM_ROLES = frozenset({roles.SUPPORTER, roles.SUPPORT_MEMBER, roles.REQUESTING_BODY})


def _explorer_url(index_model) -> str | None:
    index = index_model.objects.only("pk").first()
    return reverse("wagtailadmin_explore", args=[index.pk]) if index else None


def curricula_admin_url() -> str | None:
    """The admin listing of the curricula (trainers edit them there); None before site set-up."""
    return _explorer_url(CurriculumIndexPage)


def cases_admin_url() -> str | None:
    """The admin listing of the cases, where editors find their drafts."""
    return _explorer_url(CaseIndexPage)


def landing_url(user) -> str:
    """The first page of `user`'s work; with several roles, the widest role wins."""
    names = roles.role_names(user)
    if roles.SECRETARIAT in names:
        return reverse("workspace:dashboard")
    if roles.AGENCY in names:
        return reverse("surveys:analysis")
    if roles.EDITOR in names:
        return cases_admin_url() or reverse("wagtailadmin_home")
    if names & TEAM_ROLES:
        return reverse("engagements:list")
    if roles.TRAINER in names:
        return curricula_admin_url() or "/"
    if roles.COMPANY_CONTACT in names:
        return reverse("surveys:mine")
    return reverse("accounts:profile")
