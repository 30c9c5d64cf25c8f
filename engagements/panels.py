"""Sections that apps above engagements add to an engagement's page.

engagements/ never imports the apps above it (docs/architecture.md). An app with something to
show on an engagement's page registers a function here from its AppConfig.ready(); the function
takes the request and the engagement and returns the section's HTML, or "" for someone who may
not see it (e.g. dispatch's support requests).
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from .models import Engagement

Panel = Callable[[HttpRequest, Engagement], str]
_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def render(request: HttpRequest, engagement: Engagement) -> list[SafeString]:
    # The functions render templates (autoescaped); their output is HTML to insert as it is.
    return [mark_safe(html) for panel in _panels if (html := panel(request, engagement))]  # noqa: S308
