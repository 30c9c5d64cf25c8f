"""Saved searches in the person's work area, and the mailed unsubscribe link (thin views)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts import audit
from search import params

from . import services
from .feeds import feed_path
from .forms import SavedSearchForm
from .models import MAX_PER_USER, SavedSearch
from .queries import Query, case_list_url


def _row(saved: SavedSearch) -> dict:
    query = Query.of(saved.text, saved.filters)
    qs = query.query_string()
    return {
        "saved": saved,
        "search": query.describe(),
        "open_url": case_list_url() + (f"?{qs}" if qs else ""),
        "feed_url": feed_path(query),
    }


@login_required
def saved_list(request):
    searches = SavedSearch.objects.filter(user=request.user)
    return render(
        request,
        "following/saved_list.html",
        {
            "rows": [_row(s) for s in searches],
            "max_per_user": MAX_PER_USER,
            "cases_url": case_list_url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_new(request):
    """The case list's 「この検索を保存」 button posts the search here: a form to name it and
    choose the mail; nothing is saved until that form is sent (with `confirm`)."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        query = Query.from_get(data)
    except params.BadParameter as error:
        return params.bad_request_page(request, error)
    if request.method == "POST" and "confirm" in request.POST:
        form = SavedSearchForm(request.POST)
        if form.is_valid():
            try:
                services.saved_search_create(
                    user=request.user,
                    query=query,
                    name=form.cleaned_data["name"],
                    frequency=form.cleaned_data["frequency"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("検索を保存しました。"))
                return redirect("following:saved_list")
    else:
        form = SavedSearchForm(
            initial={"name": query.describe()[:100], "frequency": SavedSearch.Frequency.WEEKLY}
        )
    fields = [("q", query.text)] if query.text else []
    fields += [(name, code) for name, codes in query.filters.items() for code in codes]
    return render(
        request,
        "following/saved_form.html",
        {
            "form": form,
            "search": query.describe(),
            "query_fields": fields,
            "creating": True,
            "full": SavedSearch.objects.filter(user=request.user).count() >= MAX_PER_USER,
            "max_per_user": MAX_PER_USER,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_edit(request, pk):
    # Another person's saved search answers 404: its existence is not disclosed.
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    # Not bound to `saved`: the service compares the old frequency with the new one.
    form = SavedSearchForm(
        request.POST or None, initial={"name": saved.name, "frequency": saved.frequency}
    )
    if request.method == "POST" and form.is_valid():
        services.saved_search_update(
            saved=saved, name=form.cleaned_data["name"], frequency=form.cleaned_data["frequency"]
        )
        messages.success(request, _("保存した検索を更新しました。"))
        return redirect("following:saved_list")
    return render(
        request,
        "following/saved_form.html",
        {"form": form, "saved": saved, "search": _row(saved)["search"], "creating": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_delete(request, pk):
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    if request.method == "POST":
        services.saved_search_delete(saved=saved)
        messages.success(request, _("「%(name)s」を削除しました。") % {"name": saved.name})
        return redirect("following:saved_list")
    return render(request, "following/saved_delete.html", {"row": _row(saved)})


@csrf_exempt  # the token is the credential; RFC 8058 mail programs POST without a form
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The mailed link: GET asks to confirm (a link checker must not unsubscribe anyone), POST
    stops the mail. Works without signing in; shows only the search's name."""
    saved = services.saved_from_token(token)
    if saved is None:
        audit.skip(request)
        return render(request, "following/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.unsubscribe(saved=saved)
        return render(request, "following/unsubscribe.html", {"saved": saved, "done": True})
    return render(
        request,
        "following/unsubscribe.html",
        {"saved": saved, "already": saved.frequency == SavedSearch.Frequency.NONE},
    )
