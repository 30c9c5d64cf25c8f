"""The user directory (全ユーザー情報の閲覧) and the secretariat's user management."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from .. import audit, importing, invitations, roles, selectors, services, twofactor
from ..access import DirectoryAccessMixin, UserManagementMixin
from ..forms import DirectoryFilterForm, ImportForm, InviteForm
from ..models import Organisation, User
from .auth import safe_next


class UserListView(DirectoryAccessMixin, ListView):
    """Search by name or address, organisation and role; actions for the secretariat only."""

    template_name = "accounts/user_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        self.filters = DirectoryFilterForm(self.request.GET or None)
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        return selectors.user_directory(
            viewer=self.request.user,
            q=data.get("q", ""),
            organisation=data.get("organisation", ""),
            role=data.get("role", ""),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        viewer = self.request.user
        context.update(
            filters=self.filters,
            fields=selectors.directory_fields(viewer),
            can_manage=selectors.can_manage_users(viewer),
            items=context["page_obj"],
            rows=[
                {
                    "user": person,
                    "status": selectors.invitation_status(person),
                    "can_invite": invitations.can_invite(person),
                }
                for person in context["people"]
            ],
        )
        return context


class UserDetailView(DirectoryAccessMixin, DetailView):
    template_name = "accounts/user_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return User.objects.select_related("organisation").prefetch_related("groups")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person, viewer = self.object, self.request.user
        can_manage = selectors.can_manage_users(viewer)
        context.update(
            fields=selectors.directory_fields(viewer),
            can_manage=can_manage,
            status=selectors.invitation_status(person),
            can_invite=invitations.can_invite(person),
            invitations=person.invitations.select_related("sent_by")[:10] if can_manage else [],
            has_device=hasattr(person, "totp_device"),
            needs_second_factor=bool(roles.role_names(person) & roles.TWO_FACTOR_ROLES),
            is_self=person.pk == viewer.pk,
        )
        return context


class UserInviteView(UserManagementMixin, audit.RejectedFormNotAuditedMixin, FormView):
    """One person: create the account and send the invitation."""

    template_name = "accounts/user_invite.html"
    form_class = InviteForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "hours": invitations.link_hours()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.user_invite(
                email=data["email"],
                display_name=data["display_name"],
                organisation=data["organisation"],
                role_names=data["roles"],
                job_title=data["job_title"],
                invited_by=self.request.user,
                request=self.request,
            )
        except invitations.InvitationError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except (IntegrityError, ValidationError):
            form.add_error("email", _("このメールアドレスはすでに登録されています。"))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s 様に招待メールを送信しました。") % {"name": user.display_name},
        )
        return redirect("accounts:user_detail", pk=user.pk)


class UserImportView(UserManagementMixin, audit.RejectedFormNotAuditedMixin, FormView):
    """A whole sheet, all or nothing: every problem is listed and nobody is created."""

    template_name = "accounts/user_import.html"
    form_class = ImportForm

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "columns": importing.COLUMNS,
            "required_columns": importing.REQUIRED_COLUMNS,
            "role_names": roles.ALL_ROLES,
            "organisations": Organisation.objects.order_by("kind", "name").values_list(
                "name", flat=True
            )[:300],
            "max_rows": importing.MAX_ROWS,
            "quota": invitations.remaining_quota(self.request.user),
        }

    def form_valid(self, form):
        try:
            rows = importing.read_sheet(form.cleaned_data["file"])
        except importing.SheetError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        plan = importing.plan_import(rows)
        if not plan.ok:
            return self.render_to_response(
                self.get_context_data(form=form, problems=plan.problems, notes=plan.notes),
                status=400,
            )
        try:
            created = services.users_import(
                plan=plan, invited_by=self.request.user, request=self.request
            )
        except invitations.InvitationError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except (IntegrityError, ValidationError):
            form.add_error(
                None,
                _("取り込み中にほかの人が同じアドレスを登録しました。もう一度お試しください。"),
            )
            return self.form_invalid(form)
        return render(
            self.request,
            "accounts/user_import_done.html",
            {"created": created, "notes": plan.notes},
        )


class UserImportSampleView(UserManagementMixin, View):
    """A sheet to fill in: UTF-8 with BOM, so that Excel opens it with the right encoding."""

    def get(self, request):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(importing.COLUMNS)
        writer.writerow(
            [
                "tanaka@example.jp",
                "田中 一郎",
                "",
                f"{roles.SUPPORTER}／{roles.REQUESTING_BODY}",
                "",
            ]
        )
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="users-sample.csv"'
        return response


class UserActionView(UserManagementMixin, View):
    """POST-only actions on one person; they return to where the button was."""

    def post(self, request, pk):
        person = get_object_or_404(User, pk=pk)
        try:
            message = self.act(person)
        except (invitations.InvitationError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, message)
        return redirect(safe_next(request, reverse("accounts:user_detail", args=[person.pk])))

    def act(self, person) -> str:
        raise NotImplementedError


class UserResendView(UserActionView):
    def act(self, person) -> str:
        services.resend_invitation(user=person, by=self.request.user, request=self.request)
        return _("%(name)s 様に招待メールを再送しました。以前のリンクは使えなくなります。") % {
            "name": person.display_name or person.email
        }


class UserDeactivateView(UserActionView):
    def act(self, person) -> str:
        services.user_set_active(
            user=person, active=False, by=self.request.user, request=self.request
        )
        return _("%(name)s 様のアカウントを無効にしました。") % {
            "name": person.display_name or person.email
        }


class UserActivateView(UserActionView):
    def act(self, person) -> str:
        services.user_set_active(
            user=person, active=True, by=self.request.user, request=self.request
        )
        return _("%(name)s 様のアカウントを有効にしました。") % {
            "name": person.display_name or person.email
        }


class UserTwoFactorResetView(UserActionView):
    def act(self, person) -> str:
        twofactor.device_reset(user=person, by=self.request.user, request=self.request)
        return _("%(name)s 様の認証アプリの登録を削除しました。次のログインで登録し直します。") % {
            "name": person.display_name or person.email
        }
