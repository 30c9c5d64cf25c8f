"""Access checks for the accounts pages, as reusable mixins."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied

from . import selectors


class AccessRequiredMixin(AccessMixin):
    """Anonymous people go to the login page; signed-in people without access get 403."""

    def has_access(self, user) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_access(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DirectoryAccessMixin(AccessRequiredMixin):
    """全ユーザー情報の閲覧 (the agency and the secretariat)."""

    def has_access(self, user) -> bool:
        return selectors.can_view_directory(user)


class UserManagementMixin(AccessRequiredMixin):
    """Creating, inviting and deactivating people, and reading the audit log: the secretariat."""

    def has_access(self, user) -> bool:
        return selectors.can_manage_users(user)
