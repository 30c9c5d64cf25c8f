"""Routes of the accounts app, mounted at /accounts/ (config/urls.py)."""

from django.urls import path
from django.views.decorators.cache import never_cache

from .views import audit, auth, profile, twofactor, users


def view(cls):
    # Every page here is personal or confidential: no shared or browser cache (ASVS V14.3.2).
    return never_cache(cls.as_view())


app_name = "accounts"

urlpatterns = [
    path("login/", view(auth.LoginView), name="login"),
    path("logout/", view(auth.LogoutView), name="logout"),
    path("password/", view(auth.PasswordChangeView), name="password_change"),
    path("password/reset/", view(auth.PasswordResetView), name="password_reset"),
    path("password/reset/done/", view(auth.PasswordResetDoneView), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        view(auth.PasswordResetConfirmView),
        name="password_reset_confirm",
    ),
    path("invitation/<uidb64>/<token>/", view(auth.SetPasswordView), name="invitation_confirm"),
    path("2fa/setup/", view(twofactor.TwoFactorSetupView), name="two_factor_setup"),
    path("2fa/verify/", view(twofactor.TwoFactorVerifyView), name="two_factor_verify"),
    path("profile/", view(profile.ProfileView), name="profile"),
    path("users/", view(users.UserListView), name="user_list"),
    path("users/new/", view(users.UserInviteView), name="user_invite"),
    path("users/import/", view(users.UserImportView), name="user_import"),
    path("users/import/sample.csv", view(users.UserImportSampleView), name="user_import_sample"),
    path("users/<int:pk>/", view(users.UserDetailView), name="user_detail"),
    path("users/<int:pk>/resend/", view(users.UserResendView), name="user_resend"),
    path("users/<int:pk>/deactivate/", view(users.UserDeactivateView), name="user_deactivate"),
    path("users/<int:pk>/activate/", view(users.UserActivateView), name="user_activate"),
    path(
        "users/<int:pk>/2fa/reset/",
        view(users.UserTwoFactorResetView),
        name="user_two_factor_reset",
    ),
    path("audit/", view(audit.AuditLogView), name="audit_log"),
]
