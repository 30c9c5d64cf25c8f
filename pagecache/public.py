"""The routes whose anonymous answers are the same for every anonymous visitor, with the query
parameters each reads. pagecache sits below every app and knows none of them: each app names its
own public views here from its AppConfig.ready(). A route or a parameter nobody named is rendered
and never stored (a visitor cannot fill the cache with made-up parameters)."""

from collections.abc import Iterable

_PUBLIC: dict[str, frozenset[str]] = {}


def register_public_view(view_name: str, *, parameters: Iterable[str] = ()) -> None:
    """`view_name` is the view's dotted path (a class for class-based views and Feed instances);
    several apps may name one view (Wagtail's serve): the parameters add up."""
    _PUBLIC[view_name] = _PUBLIC.get(view_name, frozenset()) | frozenset(parameters)


def public_parameters(view_name: str | None) -> frozenset[str] | None:
    """The parameters the public view reads; None when the view is not a public one."""
    return _PUBLIC.get(view_name) if view_name else None
