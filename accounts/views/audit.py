"""The audit log, read-only, for the secretariat."""

from django.views.generic import ListView

from .. import audit, selectors
from ..access import UserManagementMixin
from ..forms import AuditFilterForm


class AuditLogView(UserManagementMixin, ListView):
    template_name = "accounts/audit_log.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        actions = sorted((a, audit.action_label(a)) for a in selectors.audit_actions())
        self.filters = AuditFilterForm(self.request.GET or None, actions=actions)
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        return selectors.audit_events(
            viewer=self.request.user,
            user=data.get("user", ""),
            action=data.get("action", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["items"] = context["page_obj"]
        context["rows"] = [
            {"event": event, "label": audit.action_label(event.action)}
            for event in context["events"]
        ]
        return context
