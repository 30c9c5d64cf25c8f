"""The values of the facets (search/facets.py) and their labels, as the taxonomy names them."""

from taxonomy import terms

from .facets import MAX_TAG_CHARS, Facet


def options(facet: Facet) -> dict[str, str]:
    """Code -> label (the short label where the vocabulary has one), in display order; empty for
    a free-text facet (hashtags), whose values are their own labels."""
    if facet.vocabulary:
        return {code: info.display for code, info in terms.terms(facet.vocabulary).items()}
    return {code: str(label) for code, label in facet.choices}


def full_labels(facet: Facet) -> dict[str, str]:
    """Code -> the full label (後継者（社内登用）, not its short form)."""
    if facet.vocabulary:
        return {code: info.label for code, info in terms.terms(facet.vocabulary).items()}
    return options(facet)


def label_of(facet: Facet, code: str) -> str:
    return options(facet).get(code, code)


def is_valid(facet: Facet, code: str) -> bool:
    if facet.free_text:
        return 0 < len(code) <= MAX_TAG_CHARS
    return code in options(facet)
