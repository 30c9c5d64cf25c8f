"""A panel at the top of the case editor: what still blocks publication, with the assistant's link."""

from django.urls import reverse
from wagtail.admin.panels import Panel
from wagtail.models import TaskState

from .checklist import checklist
from .gate import blocking_problems
from .models import SecretariatApprovalTask, approval_refusal


class AnonymisationPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "publishing/admin/anonymisation_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["problems"] = blocking_problems(page) if page.pk else []
            context["assistant_url"] = (
                reverse("publishing_admin:anonymise", args=[page.pk]) if page.pk else ""
            )
            context["codify_url"] = (
                reverse("publishing_admin:codify", args=[page.pk]) if page.pk else ""
            )
            context["approval_refusal"] = self._approval_refusal(page)
            # What approval requires (publishing.checklist), shown where the reviewer approves.
            context["checklist"] = checklist(page) if page.pk else []
            context["checklist_ok"] = all(item.ok for item in context["checklist"])
            return context

        def _approval_refusal(self, page) -> str | None:
            """Why the approve button is missing for this secretariat member, if it is."""
            user = getattr(self.request, "user", None)
            if not page.pk or user is None:
                return None
            task_state = (
                TaskState.objects.filter(
                    status=TaskState.STATUS_IN_PROGRESS,
                    workflow_state__object_id=str(page.pk),
                    workflow_state__base_content_type__model="page",
                )
                .select_related("task")
                .first()
            )
            if task_state is None:
                return None
            task = task_state.task.specific
            if not isinstance(task, SecretariatApprovalTask) or not task._user_in_groups(user):
                return None
            return approval_refusal(page, user, task_state)
