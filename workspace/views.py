"""The landing page after sign-in and the secretariat's dashboard."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from accounts import roles

from . import dashboard as board
from .landing import landing_url


@login_required
def start(request):
    """LOGIN_REDIRECT_URL: sends each person to the first page of their work."""
    return redirect(landing_url(request.user))


@login_required
def dashboard(request):
    if not roles.has_any_role(request.user, {roles.SECRETARIAT}):
        raise PermissionDenied
    return render(
        request,
        "workspace/dashboard.html",
        {
            "proposal_counts": board.proposal_counts(),
            "proposals": board.proposals_waiting(request.user),
            "survey_counts": board.survey_counts(),
            "in_approval": board.cases_in_approval(),
            "blocked": board.blocked_drafts(),
        },
    )
