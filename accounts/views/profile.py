"""The signed-in person's own page: 任意登録情報 for the roles that may update it."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from .. import audit, roles, services, twofactor
from ..forms import ProfileForm
from ..models import User


class ProfileView(LoginRequiredMixin, View):
    template_name = "accounts/profile.html"

    def can_edit(self) -> bool:
        return roles.allowed(self.request.user, roles.UPDATE_PROFILE)

    def respond(self, form):
        user = self.request.user
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "can_edit": self.can_edit(),
                "person": user,
                "role_list": sorted(roles.role_names(user)),
                "needs_second_factor": twofactor.requires_second_factor(user),
            },
        )

    def get(self, request):
        return self.respond(ProfileForm(instance=request.user) if self.can_edit() else None)

    def post(self, request):
        if not self.can_edit():
            raise PermissionDenied
        # A separate copy: validating a ModelForm writes into its instance, and the service
        # must still see the stored values to know what changed.
        form = ProfileForm(request.POST, instance=User.objects.get(pk=request.user.pk))
        if not form.is_valid():
            audit.skip(request)  # nothing was written
            return self.respond(form)
        # The form only validated the data; the service saves it and writes the audit event.
        changed = services.profile_update(
            user=request.user,
            data={name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
            request=request,
        )
        messages.success(
            request, _("登録情報を更新しました。") if changed else _("変更はありませんでした。")
        )
        return redirect("accounts:profile")
