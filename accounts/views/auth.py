"""Login, logout, password change and the set-password pages of invitations and resets."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from .. import audit, invitations, throttle
from ..forms import LoginForm, PasswordChangeForm, PasswordResetRequestForm, SetPasswordForm
from ..middleware import start_session_clock
from ..models import User


def safe_next(request, fallback: str) -> str:
    """The ?next= (or posted next) target when it stays on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _refusal_message(refusal: throttle.Refusal) -> str:
    minutes = max(1, (refusal.retry_after + 59) // 60)
    if refusal.reason == "ip":
        return _(
            "このネットワークからのログインの試行が多すぎます。%(minutes)d 分ほど待ってから、もう一度お試しください。"
        ) % {"minutes": minutes}
    return _(
        "このアカウントへのログインの失敗が続いたため、一時的にログインを止めています。"
        "%(minutes)d 分ほど待ってから、もう一度お試しください。"
        "パスワードを忘れた場合は「パスワードを忘れた場合」から再設定できます。"
    ) % {"minutes": minutes}


@method_decorator(
    [sensitive_post_parameters("password"), csrf_protect, never_cache], name="dispatch"
)
class LoginView(View):
    """E-mail and password, with every limit checked before the password is hashed."""

    template_name = "accounts/login.html"

    def get(self, request):
        return self._render(request, LoginForm())

    def post(self, request):
        email = throttle.normalise_email(request.POST.get("email", ""))
        limiter = throttle.LoginThrottle(request, email)
        if refusal := limiter.check():
            return self._refused(request, LoginForm(request.POST), refusal)
        form = LoginForm(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        user = authenticate(
            request, username=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if user is None:
            return self._failed(request, form, limiter)
        login(request, user)
        start_session_clock(request)
        limiter.succeeded()
        audit.record(user=user, action=audit.LOGIN, request=request)
        response = redirect(safe_next(request, settings.LOGIN_REDIRECT_URL))
        response.set_cookie(
            throttle.DEVICE_COOKIE,
            limiter.device_cookie_value(),
            max_age=throttle.DEVICE_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def _failed(self, request, form, limiter):
        email = form.cleaned_data["email"]
        account = User.objects.filter(email__iexact=email).first()
        # The typed address is never stored: people type passwords into the wrong box.
        audit.record(
            user=None,
            action=audit.LOGIN_FAILED,
            target=account,
            detail=f"account={limiter.account[:12]}",
            request=request,
        )
        form.add_error(None, form.error_messages["invalid_login"])
        if refusal := limiter.failed():
            audit.record(
                user=None,
                action=audit.LOGIN_LOCKOUT,
                target=account,
                detail=f"account={limiter.account[:12]} reason={refusal.reason}",
                request=request,
            )
            form.add_error(None, _refusal_message(refusal))
        return self._render(request, form)

    def _refused(self, request, form, refusal):
        response = self._render(
            request, form, status=429, refusal_message=_refusal_message(refusal)
        )
        response["Retry-After"] = str(refusal.retry_after)
        return response

    def _render(self, request, form, *, status=200, **context):
        return render(
            request,
            self.template_name,
            {"form": form, "next": safe_next(request, ""), **context},
            status=status,
        )


@method_decorator(never_cache, name="dispatch")
class LogoutView(TemplateView):
    """GET asks for confirmation (no JavaScript needed); POST signs out."""

    template_name = "accounts/logout.html"

    def post(self, request):
        if request.user.is_authenticated:
            audit.record(user=request.user, action=audit.LOGOUT, request=request)
        logout(request)
        messages.success(request, _("ログアウトしました。"))
        return redirect("accounts:login")


class PasswordChangeView(audit.RejectedFormNotAuditedMixin, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(user=self.request.user, action=audit.PASSWORD_CHANGE, request=self.request)
        messages.success(
            self.request,
            _("パスワードを変更しました。ほかの端末のログインは終了しました。"),
        )
        return response


class SetPasswordView(audit.RejectedFormNotAuditedMixin, auth_views.PasswordResetConfirmView):
    """The link of an invitation or a reset: a new password, then the login page."""

    form_class = SetPasswordForm
    token_generator = invitations.invitation_tokens
    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:login")
    title = _("パスワードの設定")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # Deactivated people stay out even with a link that was sent before.
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(user=form.user, action=audit.PASSWORD_SET, request=self.request)
        messages.success(
            self.request,
            _("パスワードを設定しました。メールアドレスと新しいパスワードでログインしてください。"),
        )
        return response

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "hours": invitations.link_hours(),
        }


class PasswordResetConfirmView(SetPasswordView):
    title = _("新しいパスワードの設定")


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(FormView):
    """Asks for an address; answers the same whether or not an account has it."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if throttle.reset_mail_allowed(email):
            invitations.send_password_reset(email, request=self.request)
        return redirect("accounts:password_reset_done")


class PasswordResetDoneView(TemplateView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "hours": invitations.link_hours()}
