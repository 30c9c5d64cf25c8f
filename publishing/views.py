"""The team's side: propose an engagement for publication and follow the proposal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engagements import access

from . import services
from .forms import ProposalForm
from .models import Proposal

PROPOSER_ROLES = {"supporter", "support_member"}


@login_required
def propose(request, engagement_pk):
    engagement = access.get_engagement(request.user, engagement_pk)
    access.require(bool(access.team_role(request.user, engagement) & PROPOSER_ROLES))
    open_proposal = engagement.proposals.filter(status__in=Proposal.OPEN).first()
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and open_proposal is None and form.is_valid():
        try:
            services.proposal_submit(
                engagement=engagement, user=request.user, note=form.cleaned_data["note"]
            )
        except services.AlreadyProposed:
            messages.info(request, _("この案件はすでに提案されています。"))
        else:
            messages.success(request, _("事例化を提案しました。事務局から連絡があります。"))
        return redirect("publishing:mine")
    return render(
        request,
        "publishing/propose.html",
        {"engagement": engagement, "form": form, "open_proposal": open_proposal},
    )


@login_required
def my_proposals(request):
    """Proposals of the engagements the person works on, with their status."""
    proposals = (
        Proposal.objects.filter(engagement__in=access.engagements_for(request.user))
        .select_related("engagement", "proposed_by", "case")
        .order_by("-created_at")
    )
    if not access.sees_all(request.user):
        proposals = proposals.filter(engagement__members__user=request.user).distinct()
    return render(request, "publishing/my_proposals.html", {"proposals": proposals})
