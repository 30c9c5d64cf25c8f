"""Who may see the registry and the requests (docs/registry-format.md: personal data).

The registry, the requests and the matching: the secretariat and the agency (the agency reads,
the secretariat writes). A supporter reaches only their own profile; a requesting body only the
request form and the status of its own requests, never a supporter's conflicts or notes.
"""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied

from accounts import roles

READERS = frozenset({roles.SECRETARIAT, roles.AGENCY})
WRITERS = frozenset({roles.SECRETARIAT})
REQUESTERS = frozenset({roles.REQUESTING_BODY, roles.SECRETARIAT})


def can_read(user) -> bool:
    return roles.has_any_role(user, READERS)


def can_write(user) -> bool:
    return roles.has_any_role(user, WRITERS)


def can_submit(user) -> bool:
    return roles.has_any_role(user, REQUESTERS)


def is_supporter(user) -> bool:
    return roles.has_any_role(user, {roles.SUPPORTER})


class RoleRequiredMixin(AccessMixin):
    """Anonymous people go to the login page; signed-in people without the role get 403."""

    allowed = staticmethod(can_read)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
