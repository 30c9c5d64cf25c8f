"""Sign-in by e-mail address, however it is typed (full-width, upper case, spaces)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .throttle import normalise_email


class EmailBackend(ModelBackend):
    """ModelBackend with a case- and width-insensitive e-mail lookup."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        email = normalise_email(username or kwargs.get(User.USERNAME_FIELD) or "")
        if not email or password is None:
            return None
        user = User._default_manager.filter(email__iexact=email).first()
        if user is None:
            # Hash anyway, so that an unknown address takes as long as a known one.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
