"""Pages of the support requests (支援要請): raise one from an engagement, follow its thread, and
the secretariat's list, assignment, answer and closing (thin: check access, call, render).

Who sees what is dispatch/access.py: outsiders of the engagement get 404, an action the role
does not allow on a visible request 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from engagements.access import get_engagement

from . import access, support
from .forms import SupportAssignForm, SupportMessageForm, SupportRequestForm
from .models import SupportRequest
from .views import _invalid, gate

Status = SupportRequest.Status


def _anyone(user) -> bool:
    return True  # signed in is enough here: each view scopes to the person's engagements


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("この操作を行う権限がありません。"))


@gate(_anyone)
def support_new(request, engagement_pk):
    """The form of the engagement's supporter or requesting body (also posted from its page)."""
    engagement = get_engagement(request.user, engagement_pk)
    _require(access.can_raise_support(request.user, engagement))
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                created = support.raise_request(
                    engagement=engagement,
                    category=form.cleaned_data["category"],
                    body=form.cleaned_data["body"],
                    private=form.cleaned_data["private"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("事務局に支援を要請しました。担当が決まり次第、メールで知らせます。")
                )
                return redirect("dispatch:support_detail", pk=created.pk)
        _invalid(request)
    return render(
        request,
        "dispatch/support_form.html",
        {"engagement": engagement, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# The list's filters: a status, or 未完了 (everything the secretariat still has to do).
ACTIVE = "active"
ASSIGNEE_FILTERS = {"mine": gettext_lazy("自分の担当"), "unassigned": gettext_lazy("担当者なし")}


@gate(access.can_read)
def support_list(request):
    """Every support request, for the secretariat and the agency, with filters."""
    statuses = [(ACTIVE, _("未完了（受付・対応中・回答済み）")), *Status.choices]
    status = request.GET.get("status", "")
    who = request.GET.get("assignee", "")
    # Unknown values are ignored rather than refused: the list is shown unfiltered.
    status = status if status in dict(statuses) else ""
    who = who if who in ASSIGNEE_FILTERS else ""
    requests = SupportRequest.objects.select_related("engagement", "raised_by", "assignee")
    if status == ACTIVE:
        requests = requests.exclude(status=Status.CLOSED)
    elif status:
        requests = requests.filter(status=status)
    if who == "mine":
        requests = requests.filter(assignee=request.user)
    elif who == "unassigned":
        requests = requests.filter(assignee__isnull=True)
    # What waits for the secretariat first: 受付, then 対応中, 回答済み, 完了; newest first within.
    order = Case(
        *[When(status=s, then=Value(n)) for n, s in enumerate(Status.values)],
        output_field=IntegerField(),
    )
    requests = requests.order_by(order, "-created_at", "-pk")
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dispatch/support_list.html",
        {
            "page_obj": page,
            "filters": [
                ("status", _("状態"), statuses, status),
                ("assignee", _("担当"), list(ASSIGNEE_FILTERS.items()), who),
            ],
        },
    )


def _detail(request, support_request: SupportRequest, *, status: int = 200, **forms):
    user = request.user
    handles = access.can_handle_support(user)
    closed = support_request.status == Status.CLOSED
    context = {
        "sr": support_request,
        "hide_dispatch_nav": not access.can_read(user),
        "engagement": support_request.engagement,
        "thread": support_request.messages.select_related("author"),
        "can_assign": handles and not closed,
        "can_answer": handles and support_request.status in (Status.ASSIGNED, Status.ANSWERED),
        "can_close": handles and support_request.status == Status.ANSWERED,
        "can_reply": not closed and access.can_reply_support(user, support_request),
        "assign_form": forms.get("assign_form")
        or SupportAssignForm(
            assignable=support.assignable_users(),
            initial={"assignee": support_request.assignee_id or user.pk},
        ),
        "answer_form": forms.get("answer_form") or SupportMessageForm(prefix="answer"),
        "reply_form": forms.get("reply_form") or SupportMessageForm(prefix="reply"),
        # Every problem of the refused post at the top of the page: the form it came from may not
        # be shown any more (someone else closed the request meanwhile).
        "errors": [
            error
            for form in forms.values()
            if hasattr(form, "errors")
            for errors in form.errors.values()
            for error in errors
        ]
        + forms.get("close_errors", []),
    }
    return render(request, "dispatch/support_detail.html", context, status=status)


@gate(_anyone)
def support_detail(request, pk):
    return _detail(request, access.get_support_request(request.user, pk))


def _done(request, support_request: SupportRequest, text: str):
    messages.success(request, text)
    return redirect(reverse("dispatch:support_detail", args=[support_request.pk]) + "#thread")


@gate(_anyone)
@require_POST
def support_assign(request, pk):
    support_request = access.get_support_request(request.user, pk)
    _require(access.can_handle_support(request.user))
    form = SupportAssignForm(request.POST, assignable=support.assignable_users())
    if form.is_valid():
        try:
            support.assign(
                support_request=support_request,
                assignee=form.cleaned_data["assignee"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error("assignee", exc)
        else:
            return _done(
                request,
                support_request,
                _("担当者を %(name)s さんにしました。") % {"name": form.cleaned_data["assignee"]},
            )
    _invalid(request)
    return _detail(request, support_request, status=400, assign_form=form)


def _post_message(request, pk, *, prefix: str, allowed, write, done: str):
    """The answer and the reply: one body in the thread, written by `write` when `allowed`."""
    support_request = access.get_support_request(request.user, pk)
    _require(allowed(request.user, support_request))
    form = SupportMessageForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            write(
                support_request=support_request,
                body=form.cleaned_data["body"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            return _done(request, support_request, done)
    _invalid(request)
    return _detail(request, support_request, status=400, **{f"{prefix}_form": form})


@gate(_anyone)
@require_POST
def support_answer(request, pk):
    return _post_message(
        request,
        pk,
        prefix="answer",
        allowed=lambda user, sr: access.can_handle_support(user),
        write=support.answer,
        done=_("回答を送りました。支援チームにメールで知らせます。"),
    )


@gate(_anyone)
@require_POST
def support_reply(request, pk):
    return _post_message(
        request,
        pk,
        prefix="reply",
        allowed=access.can_reply_support,
        write=support.reply,
        done=_("返信を送りました。事務局にメールで知らせます。"),
    )


@gate(_anyone)
@require_POST
def support_close(request, pk):
    support_request = access.get_support_request(request.user, pk)
    _require(access.can_handle_support(request.user))
    try:
        support.close(support_request=support_request, by=request.user, request=request)
    except ValidationError as exc:
        _invalid(request)
        return _detail(request, support_request, status=400, close_errors=exc.messages)
    return _done(request, support_request, _("支援要請を完了にしました。"))


def engagement_panel(request, engagement) -> str:
    """The engagement page's section (engagements/panels.py): its requests and the form."""
    if not access.sees_support(request.user, engagement):
        return ""
    return render_to_string(
        "dispatch/_support_panel.html",
        {
            "engagement": engagement,
            "support_requests": access.support_requests_for(request.user)
            .filter(engagement=engagement)
            .select_related("assignee"),
            "can_raise": access.can_raise_support(request.user, engagement)
            and engagement.status == engagement.Status.ACTIVE,
            "form": SupportRequestForm(),
        },
        request=request,
    )
