"""Case packs for the trainers and the secretariat: list, compose from a unit, edit, download."""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import audit
from uploads.serving import file_response

from . import packs, pdf
from .forms import CasePackForm
from .models import CasePack


def pack_makers_only(view):
    """Sign-in first, then trainer or secretariat or 403; never cached (trainer notes)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not packs.can_make_packs(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _pack(request, pk) -> CasePack:
    return get_object_or_404(packs.packs_for(request.user), pk=pk)


@pack_makers_only
def pack_list(request):
    return render(
        request,
        "training/packs/pack_list.html",
        {"packs": packs.packs_for(request.user).prefetch_related("items")},
    )


@pack_makers_only
def pack_choose_unit(request):
    units = list(packs.pack_units())
    parents = {u.pk: u.get_parent() for u in units}
    return render(
        request,
        "training/packs/choose_unit.html",
        {"units": [(parents[u.pk], u) for u in units]},
    )


def _save(request, form, *, unit, pack=None):
    """Saves a valid form; a material gone meanwhile comes back as a form error (nothing lost)."""
    try:
        return packs.save_pack(
            unit=unit,
            title=form.cleaned_data["title"],
            questions=form.cleaned_data["questions"],
            trainer_notes=form.cleaned_data["trainer_notes"],
            selections=form.selections(),
            by=request.user,
            pack=pack,
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None


def _form_page(request, form, *, unit, pack=None):
    return render(
        request,
        "training/packs/pack_form.html",
        {"form": form, "unit": unit, "pack": pack},
        status=400 if form.errors else 200,
    )


@pack_makers_only
def pack_create(request, unit_id):
    unit = get_object_or_404(packs.pack_units(), pk=unit_id)
    materials = packs.unit_materials(unit)
    form = CasePackForm(
        request.POST or None,
        materials=materials,
        initial={"title": _("%(unit)s ケースパック") % {"unit": unit.title}},
    )
    if request.method == "POST" and form.is_valid():
        pack = _save(request, form, unit=unit)
        if pack is not None:
            messages.success(
                request, _("ケースパック「%(title)s」を作りました。") % {"title": pack}
            )
            return redirect("training:pack_detail", pk=pack.pk)
    return _form_page(request, form, unit=unit)


@pack_makers_only
def pack_edit(request, pk):
    pack = _pack(request, pk)
    unit = pack.unit.specific
    form = CasePackForm(request.POST or None, materials=packs.unit_materials(unit), pack=pack)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, unit=unit, pack=pack)
        if saved is not None:
            messages.success(
                request, _("ケースパック「%(title)s」を保存しました。") % {"title": saved}
            )
            return redirect("training:pack_detail", pk=pack.pk)
    return _form_page(request, form, unit=unit, pack=pack)


@pack_makers_only
def pack_detail(request, pk):
    pack = _pack(request, pk)
    return render(
        request,
        "training/packs/pack_detail.html",
        {"pack": pack, "contents": packs.pack_contents(pack)},
    )


@pack_makers_only
@require_POST
def pack_delete(request, pk):
    pack = _pack(request, pk)
    title = pack.title
    pack.delete()
    messages.success(request, _("ケースパック「%(title)s」を削除しました。") % {"title": title})
    return redirect("training:pack_list")


@pack_makers_only
def pack_download(request, pk, edition):
    if edition not in packs.EDITIONS:
        raise Http404
    pack = _pack(request, pk)
    contents = packs.pack_contents(pack)
    if not contents.entries:
        messages.error(
            request,
            _(
                "このパックには、いま公開されている事例もノウハウもありません。"
                "教材を選び直してから PDF を作ってください。"
            ),
        )
        return redirect("training:pack_detail", pk=pack.pk)
    body = pdf.render_pdf(contents, edition=edition)
    audit.record(
        user=request.user,
        action=audit.DOWNLOAD,
        target=pack,
        detail=f"case pack {edition}",
        request=request,
    )
    return file_response(
        content=body, name=pdf.filename(pack, edition=edition), content_type="application/pdf"
    )
