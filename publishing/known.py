"""The names the platform knows from an engagement: what must never reach a published case."""

from django.contrib.auth import get_user_model

from engagements.models import Engagement
from privacy.variants import extra_names


def _person_name(display_name: str) -> str:
    # Display names are 「姓 名」; anything after (a title typed into the name) is not a name.
    parts = display_name.replace("\u3000", " ").split()
    return " ".join(parts[:2])


def merge(*knowns: dict[str, list[str]]) -> dict[str, list[str]]:
    """One known-names dict from several (a know-how article linked to cases of many engagements)."""
    merged: dict[str, set[str]] = {}
    for known in knowns:
        for key, names in known.items():
            merged.setdefault(key, set()).update(names)
    return {key: sorted(names) for key, names in merged.items()}


def known_entities(engagement: Engagement | None) -> dict[str, list[str]]:
    """Persons, organisations and places of the engagement, for privacy.detect(known=...).

    Organisations are listed by their registered names; privacy.detect derives the short forms
    writers use (株式会社丸七水産加工 → 丸七) through privacy.variants.
    """
    if engagement is None:
        return {}
    people = (
        get_user_model()
        .objects.filter(engagement_roles__engagement=engagement)
        .select_related("organisation")
    )
    persons = {_person_name(p.display_name) for p in people if p.display_name.strip()}
    organisations = {engagement.company.name}
    if engagement.requesting_body:
        organisations.add(engagement.requesting_body.name)
    organisations |= {p.organisation.name for p in people if p.organisation}
    # 屋号, brands and products the secretariat recorded: matched as written (and their short
    # forms, like any organisation name; privacy.variants).
    organisations |= set(extra_names(engagement.other_names))
    places = {engagement.company.address} if engagement.company.address else set()
    return {
        "persons": sorted(persons),
        "organisations": sorted(organisations),
        "places": sorted(places),
    }
