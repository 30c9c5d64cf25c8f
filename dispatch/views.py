"""Pages of the registry, the requests and the matching (thin: check access, call, render).

Who sees what (dispatch/access.py): the registry, the requests and the matching are for the
secretariat and the agency; the secretariat alone writes. A supporter reaches only their own
profile, a requesting body only its request form and its own requests' status.
"""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.models import Organisation
from taxonomy import terms
from uploads.serving import file_response

from . import access, board, conf, interchange, offers, services
from .forms import (
    ConflictFormSet,
    ConsentForm,
    ExperienceFormSet,
    ImportForm,
    OwnProfileForm,
    RegistryFilterForm,
    RelationshipFormSet,
    RequestForm,
    StatusForm,
    SupporterForm,
    initial_relationships,
)
from .matching import active_loads, match
from .models import TRANSITIONS, DispatchRequest, Offer, Supporter

EXPORT_TYPES = {
    "jsonl": "application/jsonl; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def gate(check):
    """Sign-in first, then `check(user)` or 403; never cached (personal data)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return never_cache(wrapped)

    return decorator


def _invalid(request) -> None:
    audit.skip(request)  # a form shown again with its errors wrote nothing


# The registry ------------------------------------------------------------------------------------


def _training_summary(supporter: Supporter) -> dict:
    required = conf.required_courses(supporter.category)
    statuses = {c: supporter.training.get(c, "not-registered") for c in required}
    return {
        "done": all(s == "completed" for s in statuses.values()),
        "not_registered": [
            conf.course_label(c) for c, s in statuses.items() if s == "not-registered"
        ],
        "not_finished": [conf.course_label(c) for c, s in statuses.items() if s == "registered"],
    }


@gate(access.can_read)
def supporter_list(request):
    form = RegistryFilterForm(request.GET or None)
    supporters = Supporter.objects.order_by("external_id")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            supporters = supporters.filter(
                Q(name__icontains=data["q"])
                | Q(external_id__icontains=data["q"])
                | Q(email__icontains=data["q"])
            )
        if data["category"]:
            supporters = supporters.filter(category=data["category"])
        if data["prefecture"]:
            supporters = supporters.filter(home_prefecture=data["prefecture"])
    page = Paginator(supporters, 50).get_page(request.GET.get("page"))
    loads = active_loads()
    rows = [
        {
            "supporter": s,
            "prefecture": terms.label("prefecture", s.home_prefecture),
            "load": loads.get(s.pk, 0),
            "training": _training_summary(s),
        }
        for s in page
    ]
    return render(
        request,
        "dispatch/supporter_list.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page,
            "total": supporters.count(),
            "can_write": access.can_write(request.user),
            "query": request.GET.urlencode(),
        },
    )


def _supporter_display(supporter: Supporter) -> dict:
    return {
        "prefecture": terms.label("prefecture", supporter.home_prefecture),
        "recommended_by": terms.label("requesting_body", supporter.recommended_by),
        "qualifications": [
            str(interchange.QUALIFICATIONS.get(q, q)) for q in supporter.qualifications
        ],
        "training": [
            {
                "label": label,
                "status": str(
                    interchange.TRAINING_STATUSES.get(supporter.training.get(slug, ""), _("未登録"))
                ),
                "required": slug in conf.required_courses(supporter.category),
            }
            for slug, label in conf.courses().items()
        ],
        "experience": [
            {
                **e,
                "industry_label": terms.label("industry", e["industry"]),
                "employees_label": terms.label("employees", e.get("employees")),
                "role_label": str(interchange.ROLES.get(e["role"], e["role"])),
            }
            for e in supporter.experience
        ],
        "conflicts": [
            {
                **c,
                "industry_label": terms.label("industry", c.get("industry")),
                "prefecture_label": terms.label("prefecture", c.get("prefecture")),
            }
            for c in supporter.conflicts
        ],
        "relationships": [
            {**r, "kind_label": str(interchange.RELATION_KINDS.get(r["kind"], r["kind"]))}
            for r in supporter.relationships
        ],
    }


@gate(access.can_read)
def supporter_detail(request, pk):
    supporter = get_object_or_404(Supporter, pk=pk)
    return render(
        request,
        "dispatch/supporter_detail.html",
        {
            "supporter": supporter,
            "show": _supporter_display(supporter),
            "load": active_loads().get(supporter.pk, 0),
            "can_write": access.can_write(request.user),
            "training": _training_summary(supporter),
        },
    )


def _supporter_forms(request, supporter: Supporter):
    data = request.POST if request.method == "POST" else None
    return (
        SupporterForm(data, instance=supporter),
        ExperienceFormSet(data, initial=supporter.experience or None, prefix="experience"),
        ConflictFormSet(data, initial=supporter.conflicts or None, prefix="conflicts"),
        RelationshipFormSet(
            data,
            initial=initial_relationships(supporter.relationships) or None,
            prefix="relationships",
        ),
    )


def _supporter_edit(request, supporter: Supporter):
    form, experience, conflicts, relationships = _supporter_forms(request, supporter)
    if request.method == "POST":
        valid = all(
            [form.is_valid(), experience.is_valid(), conflicts.is_valid(), relationships.is_valid()]
        )
        if valid:
            data = {
                name: form.cleaned_data[name] for name in form.Meta.fields if name != "external_id"
            }
            data.update(
                training=form.training(),
                experience=experience.entries(),
                conflicts=conflicts.entries(),
                relationships=relationships.entries(),
            )
            if supporter.pk is None:
                supporter.external_id = form.cleaned_data["external_id"]
            try:
                services.supporter_save(
                    supporter=supporter, data=data, by=request.user, request=request
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)  # may name fields the form does not have
            else:
                messages.success(
                    request, _("%(name)s さんの登録情報を保存しました。") % {"name": supporter.name}
                )
                return redirect("dispatch:supporter_detail", pk=supporter.pk)
        _invalid(request)
    return render(
        request,
        "dispatch/supporter_form.html",
        {
            "supporter": supporter,
            "form": form,
            "formsets": [
                (_("支援経験"), experience),
                (_("競業避止（派遣できない業種・地域・企業）"), conflicts),
                (_("要請機関・企業との関係"), relationships),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@gate(access.can_write)
def supporter_create(request):
    return _supporter_edit(request, Supporter())


@gate(access.can_write)
def supporter_edit(request, pk):
    return _supporter_edit(request, get_object_or_404(Supporter, pk=pk))


@gate(access.can_read)
def training_status(request):
    """Who has not registered for, or not finished, the courses their category requires."""
    not_registered, not_finished = [], []
    for supporter in Supporter.objects.order_by("external_id"):
        summary = _training_summary(supporter)
        if summary["not_registered"]:
            not_registered.append((supporter, summary))
        elif summary["not_finished"]:
            not_finished.append((supporter, summary))
    return render(
        request,
        "dispatch/training_status.html",
        {
            "not_registered": not_registered,
            "not_finished": not_finished,
            "can_write": access.can_write(request.user),
            "required": [
                (
                    category.label,
                    [conf.course_label(c) for c in conf.required_courses(category.value)],
                )
                for category in Supporter.Category
            ],
        },
    )


@gate(access.can_write)
def registry_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST":
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            data = uploaded.read(interchange.MAX_BYTES + 1)
            try:
                kind, report = services.registry_import(
                    data=data,
                    name=uploaded.name or "",
                    kind=form.cleaned_data["kind"] or None,
                    by=request.user,
                    request=request,
                )
            except interchange.RegistryError as exc:
                problems = exc.problems
            else:
                label = _("支援員") if kind == interchange.SUPPORTERS else _("派遣依頼")
                messages.success(
                    request,
                    _("%(label)s: 新規 %(created)d 件、更新 %(updated)d 件を取り込みました。")
                    % {"label": label, "created": report.created, "updated": report.updated},
                )
                return redirect(
                    "dispatch:supporter_list"
                    if kind == interchange.SUPPORTERS
                    else "dispatch:request_list"
                )
        _invalid(request)
    return render(
        request,
        "dispatch/registry_import.html",
        {"form": form, "problems": problems[:500], "more": max(0, len(problems) - 500)},
        status=400 if problems else 200,
    )


@gate(access.can_read)
def registry_export(request, kind, fmt):
    if kind not in interchange.KINDS or fmt not in EXPORT_TYPES:
        raise Http404
    objects = interchange.export_objects(kind)
    if fmt == "jsonl":
        body = interchange.to_jsonl(objects).encode()
    elif fmt == "csv":
        body = interchange.to_csv(kind, objects).encode()
    else:
        body = interchange.to_xlsx(kind, objects)
    audit.record(
        user=request.user, action=audit.DOWNLOAD, detail=f"registry {kind}.{fmt}", request=request
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    return file_response(content=body, name=f"{kind}-{stamp}.{fmt}", content_type=EXPORT_TYPES[fmt])


# A supporter's own profile -------------------------------------------------------------------


def own_supporter(user) -> Supporter | None:
    """The registry entry of the signed-in supporter: linked, or registered under their address."""
    return (
        Supporter.objects.filter(user=user).first()
        or Supporter.objects.filter(user__isnull=True, email__iexact=user.email).first()
    )


@gate(access.is_supporter)
def own_profile(request):
    supporter = own_supporter(request.user)
    if supporter is None:
        return render(request, "dispatch/own_profile.html", {"supporter": None})
    data = request.POST if request.method == "POST" else None
    form = OwnProfileForm(data, instance=supporter)
    experience = ExperienceFormSet(data, initial=supporter.experience or None, prefix="experience")
    conflicts = ConflictFormSet(data, initial=supporter.conflicts or None, prefix="conflicts")
    if request.method == "POST":
        # The form works on a copy: the service compares with the stored values.
        form.instance = Supporter.objects.get(pk=supporter.pk)
        if form.is_valid() and experience.is_valid() and conflicts.is_valid():
            changed = services.own_profile_save(
                supporter=supporter,
                data={
                    "travel": form.cleaned_data["travel"],
                    "qualifications": form.cleaned_data["qualifications"],
                    "motto": form.cleaned_data["motto"],
                    "experience": experience.entries(),
                    "conflicts": conflicts.entries(),
                },
                by=request.user,
                request=request,
            )
            messages.success(
                request, _("登録情報を更新しました。") if changed else _("変更はありませんでした。")
            )
            return redirect("dispatch:own_profile")
        _invalid(request)
    return render(
        request,
        "dispatch/own_profile.html",
        {
            "supporter": supporter,
            "show": _supporter_display(supporter),
            "form": form,
            "formsets": [
                (_("支援経験"), experience),
                (_("競業避止（派遣できない業種・地域・企業）"), conflicts),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


# Dispatch requests ---------------------------------------------------------------------------


@gate(access.can_read)
def request_list(request):
    status = request.GET.get("status", "")
    requests = DispatchRequest.objects.order_by("-received", "external_id")
    if status in DispatchRequest.Status.values:
        requests = requests.filter(status=status)
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dispatch/request_list.html",
        {
            "page_obj": page,
            "filters": [("status", _("状態"), DispatchRequest.Status.choices, status)],
            "can_write": access.can_write(request.user),
        },
    )


@gate(access.can_submit)
def request_new(request):
    form = RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                dispatch_request = services.request_submit(
                    data=form.request_data(),
                    consent=form.cleaned_data["consent_file"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)  # may name fields the form does not have
            else:
                messages.success(
                    request,
                    _("派遣依頼を受け付けました（受付番号 %(id)s）。事務局から連絡します。")
                    % {"id": dispatch_request.external_id},
                )
                return redirect("dispatch:request_mine")
        _invalid(request)
    return render(
        request,
        "dispatch/request_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@gate(access.can_submit)
def request_mine(request):
    """The requesting body's own requests and where they stand (nothing about supporters)."""
    requests = DispatchRequest.objects.filter(submitted_by=request.user).order_by("-received")
    return render(request, "dispatch/request_mine.html", {"requests": requests})


def _request_context(request, dispatch_request, **extra):
    return {
        "r": dispatch_request,
        "labels": {
            "industry": terms.label("industry", dispatch_request.industry),
            "prefecture": terms.label("prefecture", dispatch_request.prefecture),
            "employees": terms.label("employees", dispatch_request.employees),
            "sales": terms.label("sales", dispatch_request.sales),
            "owner_type": terms.label("owner_type", dispatch_request.owner_type),
            "owner_age": terms.label("owner_age", dispatch_request.owner_age),
            "body_kind": terms.label("requesting_body", dispatch_request.body_kind),
            "body_prefecture": terms.label("prefecture", dispatch_request.body_prefecture),
        },
        "excluded_supporters": Supporter.objects.filter(external_id__in=dispatch_request.exclude),
        "offers": dispatch_request.offers.select_related("supporter"),
        "next_statuses": [
            (s, DispatchRequest.Status(s).label)
            for s in TRANSITIONS.get(dispatch_request.status, ())
        ],
        "can_write": access.can_write(request.user),
        "status_form": extra.pop("status_form", None) or StatusForm(),
        "consent_form": extra.pop("consent_form", None)
        or ConsentForm(initial={"consent_signed": dispatch_request.consent_signed}),
        **extra,
    }


@gate(access.can_read)
def request_detail(request, pk):
    dispatch_request = get_object_or_404(DispatchRequest, pk=pk)
    return render(
        request, "dispatch/request_detail.html", _request_context(request, dispatch_request)
    )


def _request_detail_again(request, dispatch_request, **forms):
    """The request's page once more, with the refused form and its errors (nothing written)."""
    _invalid(request)
    return render(
        request,
        "dispatch/request_detail.html",
        _request_context(request, dispatch_request, **forms),
        status=400,
    )


@gate(access.can_write)
@require_POST
def request_status(request, pk):
    dispatch_request = get_object_or_404(DispatchRequest, pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.request_set_status(
                dispatch_request=dispatch_request,
                status=form.cleaned_data["status"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error("status", exc)
        else:
            messages.success(
                request,
                _("状態を「%(status)s」にしました。")
                % {"status": dispatch_request.get_status_display()},
            )
            return redirect("dispatch:request_detail", pk=pk)
    return _request_detail_again(request, dispatch_request, status_form=form)


@gate(access.can_write)
@require_POST
def request_consent(request, pk):
    dispatch_request = get_object_or_404(DispatchRequest, pk=pk)
    form = ConsentForm(request.POST, request.FILES)
    if form.is_valid():
        services.consent_record(
            dispatch_request=dispatch_request,
            signed_on=form.cleaned_data["consent_signed"],
            upload=form.cleaned_data["file"],
            by=request.user,
            request=request,
        )
        messages.success(request, _("同意書を記録しました。"))
        return redirect("dispatch:request_detail", pk=pk)
    return _request_detail_again(request, dispatch_request, consent_form=form)


@gate(access.can_read)
def consent_file(request, pk):
    dispatch_request = get_object_or_404(DispatchRequest, pk=pk)
    if not dispatch_request.consent_file:
        raise Http404
    audit.record(
        user=request.user,
        action=audit.DOWNLOAD,
        target=dispatch_request,
        detail="consent",
        request=request,
    )
    return file_response(
        content=dispatch_request.consent_file.open("rb"),
        name=dispatch_request.consent_file_name or "consent",
        content_type=dispatch_request.consent_content_type or "application/octet-stream",
    )


@gate(access.can_read)
def request_match(request, pk):
    dispatch_request = get_object_or_404(DispatchRequest, pk=pk)
    result = match(dispatch_request)
    asked = {o.supporter_id: o for o in dispatch_request.offers.all()}
    return render(
        request,
        "dispatch/request_match.html",
        {
            "r": dispatch_request,
            "result": result,
            "asked": asked,
            "prefecture": terms.label("prefecture", dispatch_request.prefecture),
            "can_ask": access.can_write(request.user) and dispatch_request.status in offers.ASKABLE,
            "hours": conf.offer_hours(),
        },
    )


@gate(access.can_write)
@require_POST
def request_offer(request, pk):
    """Mails the chosen candidates; only supporters the matching ranks as candidates may be asked."""
    dispatch_request = get_object_or_404(DispatchRequest, pk=pk)
    wanted = set(request.POST.getlist("supporters"))
    candidates = {
        c.supporter.external_id: c.supporter.pk for c in match(dispatch_request).candidates
    }
    chosen = [candidates[i] for i in sorted(wanted) if i in candidates]
    if not wanted or len(chosen) != len(wanted):
        _invalid(request)
        messages.error(
            request, _("打診する候補を選んでください（除外された支援員には打診できません）。")
        )
        return redirect("dispatch:request_match", pk=pk)
    try:
        sent = offers.offers_send(
            dispatch_request=dispatch_request,
            supporters=list(Supporter.objects.filter(pk__in=chosen)),
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        _invalid(request)
        messages.error(request, " ".join(exc.messages))
        return redirect("dispatch:request_match", pk=pk)
    messages.success(request, _("%(count)d 人に打診のメールを送りました。") % {"count": len(sent)})
    return redirect("dispatch:request_detail", pk=pk)


@never_cache
def offer_respond(request, token):
    """The mailed link: the offer in short, and the two answers. The token is the credential."""
    offer = offers.offer_from_token(token)
    if offer is None:
        audit.skip(request)
        return render(request, "dispatch/offer_respond.html", {"invalid": True}, status=404)
    closed = ""
    if request.method == "POST":
        action = request.POST.get("answer")
        if action in ("accept", "decline"):
            try:
                offers.offer_answer(offer=offer, accept=action == "accept", request=request)
            except offers.OfferClosed as exc:
                closed = str(exc)
            else:
                offer.refresh_from_db()
                return render(
                    request, "dispatch/offer_respond.html", {"offer": offer, "answered": True}
                )
        audit.skip(request)
    elif offer.status != Offer.Status.SENT:
        closed = _("この打診にはすでに「%(status)s」と回答済みです。") % {
            "status": offer.get_status_display()
        }
    elif timezone.now() >= offer.expires_at:
        closed = _("回答期限を過ぎています。事務局にご連絡ください。")
    return render(
        request,
        "dispatch/offer_respond.html",
        {"offer": offer, "r": offer.request, "closed": closed},
        status=410 if closed else 200,
    )


# The monitoring board ------------------------------------------------------------------------


def _board_rows(request):
    all_rows = board.rows()
    region = request.GET.get("region", "")
    body = request.GET.get("body", "")
    flag = request.GET.get("flag", "")
    regions = dict(terms.choices("region"))
    bodies = {
        str(o.pk): o.name
        for o in Organisation.objects.filter(kind=Organisation.Kind.REQUESTING_BODY)
    }
    # Unknown values are ignored rather than refused: the board is shown unfiltered.
    chosen = {
        "region": region if region in regions else "",
        "body": body if body in bodies else "",
        "flag": flag if flag in board.FLAGS else "",
    }
    return all_rows, board.filtered(all_rows, **chosen), chosen, regions, bodies


@gate(access.can_read)
def monitoring_board(request):
    all_rows, shown, chosen, regions, bodies = _board_rows(request)
    counts = {flag: sum(1 for r in all_rows if flag in r.flags) for flag in board.FLAGS}
    return render(
        request,
        "dispatch/board.html",
        {
            "rows": shown,
            "total": len(all_rows),
            "filters": [
                ("region", _("地域"), regions.items(), chosen["region"]),
                ("body", _("要請機関"), bodies.items(), chosen["body"]),
                ("flag", _("フラグ"), board.FLAGS.items(), chosen["flag"]),
            ],
            "flags": [(flag, label, counts[flag]) for flag, label in board.FLAGS.items()],
            "support_counts": board.support_counts(),
            "query": request.GET.urlencode(),
            "report_days": conf.report_days(),
            "idle_days": conf.idle_days(),
        },
    )


@gate(access.can_read)
def monitoring_board_xlsx(request):
    _all, shown, *_rest = _board_rows(request)
    audit.record(
        user=request.user, action=audit.DOWNLOAD, detail="monitoring board xlsx", request=request
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    return file_response(
        content=board.as_xlsx(shown),
        name=f"支援状況_{stamp}.xlsx",
        content_type=EXPORT_TYPES["xlsx"],
    )


@gate(access.can_write)
@require_POST
def training_remind(request):
    group = request.POST.get("group", "")
    if group not in ("not_registered", "not_finished"):
        _invalid(request)
        messages.error(request, _("送る相手を選んでください。"))
        return redirect("dispatch:training_status")
    count = services.training_reminders(group=group, by=request.user, request=request)
    messages.success(request, _("%(count)d 人にお願いのメールを送りました。") % {"count": count})
    return redirect("dispatch:training_status")
