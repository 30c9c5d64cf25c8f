"""The secretariat's search report in the Wagtail admin (search/analytics.py builds it)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import analytics

# Granted to the secretariat by migration 0009; the log itself is never shown row by row.
REPORT_PERMISSION = "search.view_searchquerylog"


def _require_reader(request) -> None:
    if not request.user.has_perm(REPORT_PERMISSION):
        raise PermissionDenied


def _week(request):
    """(Monday of the chosen week, error message or None): a bad week shows the current one."""
    try:
        return analytics.week_start(request.GET.get("week")), None
    except ValueError as exc:
        return analytics.week_start(None), str(exc)


def report(request):
    _require_reader(request)
    monday, error = _week(request)
    following = monday + timedelta(days=7)
    context = {
        "report": analytics.weekly_report(monday=monday),
        "error": error,
        "previous_week": analytics.week_label(monday - timedelta(days=7)),
        "next_week": analytics.week_label(following) if following <= timezone.localdate() else None,
        "synonym_add_url": reverse("wagtailsnippets_search_synonym:add"),
        "retention_days": settings.SEARCH_LOG_RETENTION_DAYS,
    }
    return render(request, "search/admin/report.html", context, status=400 if error else 200)


def report_csv(request):
    _require_reader(request)
    monday, error = _week(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    report = analytics.weekly_report(monday=monday)
    response = HttpResponse(analytics.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="search-report-{report.label}.csv"'
    return response
