"""Survey pages: the company answers; the secretariat follows status; the agency reads results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import record as audit
from engagements import access as engagement_access
from engagements.models import EngagementMember
from uploads.serving import file_response

from . import analysis, exports, services
from .forms import AnswerFilterForm, AnswerForm, SurveySetupForm
from .models import Survey, SurveyResponse
from .questions import QUESTIONS

STATUS_ORDER = (
    Survey.Status.OVERDUE,
    Survey.Status.WAITING,
    Survey.Status.NOT_STARTED,
    Survey.Status.ANSWERED,
)


def surveys_to_answer(user):
    """Surveys the user may answer: the secretariat any, a company contact its company's own."""
    if not roles.allowed(user, roles.ANSWER_SURVEY):
        return Survey.objects.none()
    if roles.has_any_role(user, {roles.SECRETARIAT}):
        return Survey.objects.all()
    return Survey.objects.filter(
        visit__engagement__members__user=user,
        visit__engagement__members__role=EngagementMember.Role.COMPANY_CONTACT,
    )


def _require(action: str, user) -> None:
    engagement_access.require(roles.allowed(user, action))


@login_required
def my_surveys(request):
    """The company contact's list: what to answer, what is done."""
    if roles.has_any_role(request.user, {roles.SECRETARIAT}):
        return redirect("surveys:status")
    _require(roles.ANSWER_SURVEY, request.user)
    surveys = (
        surveys_to_answer(request.user)
        .exclude(starts_on__gt=timezone.localdate())
        .select_related("visit__engagement", "response")
    )
    # What waits for an answer comes first (the nearest deadline on top); answered ones below.
    pending = surveys.filter(response__isnull=True).order_by(
        F("deadline").asc(nulls_last=True), "visit__engagement__code", "visit__number"
    )
    answered = surveys.filter(response__isnull=False).order_by("-response__answered_at")
    return render(request, "surveys/my_surveys.html", {"pending": pending, "answered": answered})


@login_required
def answer(request, pk):
    try:
        survey = (
            surveys_to_answer(request.user).select_related("visit__engagement__company").get(pk=pk)
        )
    except Survey.DoesNotExist as exc:
        raise Http404 from exc
    if hasattr(survey, "response"):
        return render(request, "surveys/answered.html", {"survey": survey, "already": True})
    if survey.starts_on and survey.starts_on > timezone.localdate():
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_submit(
                survey=survey, respondent=request.user, answers=form.cleaned_data
            )
        except services.AlreadyAnswered:
            messages.info(request, _("このアンケートにはすでに回答をいただいています。"))
        return render(request, "surveys/answered.html", {"survey": survey})
    # Late answers are still welcome (the programme wants every voice), but never silently:
    # the form says the deadline has passed, and the status page shows the answer date.
    late = survey.status() == Survey.Status.OVERDUE
    return render(request, "surveys/answer.html", {"survey": survey, "form": form, "late": late})


@login_required
def status_list(request):
    """Every visit's survey with its status (answered, waiting, overdue, not started)."""
    _require(roles.VIEW_ANSWERS, request.user)
    surveys = Survey.objects.annotate(status_code=Survey.status_expression(timezone.localdate()))
    counts = dict.fromkeys(Survey.Status.values, 0)
    counts.update(surveys.order_by().values_list("status_code").annotate(n=Count("id")))
    wanted = request.GET.get("status", "")
    if wanted not in Survey.Status.values:
        wanted = ""
    rows = surveys.filter(status_code=wanted) if wanted else surveys
    # What needs action first: overdue, then waiting, not started; answered ones last.
    urgency = Case(
        *(When(status_code=code, then=Value(rank)) for rank, code in enumerate(STATUS_ORDER)),
        output_field=IntegerField(),
    )
    rows = rows.select_related("visit__engagement__company", "response").order_by(
        urgency, F("deadline").asc(nulls_last=True), "visit__engagement__code", "visit__number"
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for s in page:
        s.current_status = Survey.Status(s.status_code)
    return render(
        request,
        "surveys/status_list.html",
        {
            "page": page,
            "statuses": [(s, Survey.Status(s).label, counts[s]) for s in Survey.Status.values],
            "wanted": wanted,
            "can_remind": roles.has_any_role(request.user, {roles.SECRETARIAT}),
        },
    )


@login_required
def remind(request, pk):
    """The secretariat sends the answer request again (POST from the status page)."""
    engagement_access.require(roles.has_any_role(request.user, {roles.SECRETARIAT}))
    if request.method != "POST":
        return redirect("surveys:status")
    try:
        survey = Survey.objects.select_related("visit__engagement").get(pk=pk)
    except Survey.DoesNotExist as exc:
        raise Http404 from exc
    try:
        sent = services.survey_remind(survey=survey)
    except services.NotRemindable:
        messages.error(
            request, _("このアンケートは回答済みか開始前のため、回答のお願いは送れません。")
        )
    else:
        if sent:
            messages.success(
                request,
                _("%(visit)s（%(code)s）の回答のお願いを %(n)d 人に再送しました。")
                % {"visit": survey.visit, "code": survey.visit.engagement.code, "n": sent},
            )
        else:
            messages.error(
                request,
                _("%(code)s には派遣先企業担当者が登録されていないため、送れませんでした。")
                % {"code": survey.visit.engagement.code},
            )
    back = request.POST.get("status", "")
    target = reverse("surveys:status")
    if back in Survey.Status.values:
        target += "?" + urlencode({"status": back})
    return redirect(target)


@login_required
def setup(request, visit_pk):
    """Registers or changes a visit's survey; dates are optional."""
    visit = engagement_access.get_visit(request.user, visit_pk)
    engagement_access.require(engagement_access.can_write_records(request.user, visit.engagement))
    survey = getattr(visit, "survey", None)
    form = SurveySetupForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        services.survey_setup(
            visit=visit,
            starts_on=form.cleaned_data["starts_on"],
            deadline=form.cleaned_data["deadline"],
        )
        messages.success(request, _("アンケートを設定しました。"))
        return redirect("engagements:visit", pk=visit.pk)
    return render(request, "surveys/setup.html", {"form": form, "visit": visit})


def _filtered_responses(request):
    form = AnswerFilterForm(request.GET or None)
    surveys = form.apply(Survey.objects.all())
    responses = (
        SurveyResponse.objects.filter(survey__in=surveys)
        .select_related(
            "survey__visit__engagement__company", "survey__visit__engagement__requesting_body"
        )
        .order_by("survey__visit__engagement__code", "survey__visit__number")
    )
    return form, responses


@login_required
def answer_list(request):
    _require(roles.VIEW_ANSWERS, request.user)
    form, responses = _filtered_responses(request)
    page = Paginator(responses, 50).get_page(request.GET.get("page"))
    rows = list(exports.rows(page.object_list))
    return render(
        request,
        "surveys/answer_list.html",
        {
            "form": form,
            "page": page,
            "header": exports.header(),
            "rows": rows,
            "can_download": roles.allowed(request.user, roles.DOWNLOAD_ANSWERS),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def answer_export(request, fmt):
    _require(roles.DOWNLOAD_ANSWERS, request.user)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    _form, responses = _filtered_responses(request)
    stamp = timezone.localtime().strftime("%Y%m%d")
    if fmt == "csv":
        body, content_type = exports.as_csv(responses), "text/csv; charset=utf-8"
    else:
        body = exports.as_xlsx(responses)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit(user=request.user, action="download", detail=f"survey answers {fmt}", request=request)
    return file_response(
        content=body, name=f"アンケート回答_{stamp}.{fmt}", content_type=content_type
    )


@login_required
def analysis_page(request):
    _require(roles.VIEW_ANSWERS, request.user)
    form, responses = _filtered_responses(request)
    responses = list(responses)
    awareness = analysis.awareness_by_visit(responses)
    return render(
        request,
        "surveys/analysis.html",
        {
            "form": form,
            "total": len(responses),
            "distributions": [
                {"question": q, "rows": analysis.distribution(responses, q.field)}
                for q in QUESTIONS
                if q.field != "q3"
            ],
            "awareness": awareness,
            "chart": analysis.awareness_chart(awareness),
        },
    )
