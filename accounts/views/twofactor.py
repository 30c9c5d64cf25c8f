"""Setting up an authenticator app and verifying its codes."""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from .. import audit, throttle, totp, twofactor
from ..forms import CodeForm
from .auth import safe_next


def _locked_message(user) -> str:
    minutes = max(1, (throttle.totp_cooloff(user).remaining() + 59) // 60)
    return _(
        "確認コードの誤りが続いたため、%(minutes)d 分間入力を止めています。"
        "端末を紛失した場合は事務局にご連絡ください。"
    ) % {"minutes": minutes}


def _redirect_keeping_next(request, url_name: str):
    target = reverse(url_name)
    if next_url := safe_next(request, ""):
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


@method_decorator(never_cache, name="dispatch")
class TwoFactorBaseView(LoginRequiredMixin, View):
    template_name = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not twofactor.requires_second_factor(request.user):
            return redirect(safe_next(request, settings.LOGIN_REDIRECT_URL))
        return super().dispatch(request, *args, **kwargs)

    def finish(self):
        return redirect(safe_next(self.request, settings.LOGIN_REDIRECT_URL))

    def respond(self, form, *, status=200, **context):
        context = {"form": form, "next": safe_next(self.request, ""), **context}
        return render(self.request, self.template_name, context, status=status)

    def check(self, form, outcome: twofactor.Outcome):
        if outcome is twofactor.Outcome.OK:
            return self.finish()
        if outcome is twofactor.Outcome.LOCKED:
            form.add_error("code", _locked_message(self.request.user))
            return self.respond(form, status=429)
        form.add_error(
            "code",
            _(
                "確認コードが正しくありません。最新の 6 桁を入力してください"
                "（一度使ったコードは使えません。端末の時刻が正確かもご確認ください）。"
            ),
        )
        return self.respond(form)


class TwoFactorSetupView(TwoFactorBaseView):
    """Shows the secret as a QR code and as text, and confirms it with a first code."""

    template_name = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and twofactor.confirmed_device(request.user):
            return _redirect_keeping_next(request, "accounts:two_factor_verify")
        return super().dispatch(request, *args, **kwargs)

    def respond(self, form, *, status=200, **context):
        device = twofactor.pending_device(self.request.user)
        uri = totp.provisioning_uri(
            device.secret, account=self.request.user.email, issuer=twofactor.ISSUER
        )
        qr = segno.make(uri, error="m")
        # segno writes the SVG itself from our own URI; nothing user-supplied reaches it raw.
        svg = mark_safe(  # noqa: S308
            qr.svg_inline(
                scale=5,
                border=4,
                dark="#000",
                light="#fff",
                omitsize=True,  # a viewBox instead of a fixed size: the stylesheet scales it
                title=_("認証アプリ用の QR コード"),
            )
        )
        return super().respond(
            form,
            status=status,
            qr_svg=svg,
            secret_grouped=totp.grouped(device.secret),
            otpauth_uri=uri,
            **context,
        )

    def get(self, request):
        return self.respond(CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            audit.skip(request)  # an empty code: nothing checked, nothing written
            return self.respond(form)
        return self.check(form, twofactor.confirm_setup(request, form.cleaned_data["code"]))


class TwoFactorVerifyView(TwoFactorBaseView):
    """Asks for the current code at each sign-in."""

    template_name = "accounts/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not twofactor.confirmed_device(request.user):
            return _redirect_keeping_next(request, "accounts:two_factor_setup")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if twofactor.is_verified(request):
            return self.finish()
        return self.respond(CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            audit.skip(request)  # an empty code: nothing checked, nothing written
            return self.respond(form)
        return self.check(form, twofactor.verify(request, form.cleaned_data["code"]))
