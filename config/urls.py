from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import auth as account_views
from publishing.media import serve_private

urlpatterns = [
    # Wagtail's own login and logout pages would bypass the throttled login (accounts/throttle.py)
    # and the audit log, so these paths answer first.
    path("admin/login/", RedirectView.as_view(url=settings.LOGIN_URL, query_string=True)),
    path("admin/logout/", account_views.LogoutView.as_view(), name="admin_logout"),
    path("_util/login/", RedirectView.as_view(url=settings.LOGIN_URL, query_string=True)),
    path("accounts/", include("accounts.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include("search.api")),
    path("search/", include("search.urls")),
    path("engagements/", include("engagements.urls")),
    path("surveys/", include("surveys.urls")),
    path("proposals/", include("publishing.urls")),
    path("work/packs/", include("training.urls")),
    path("work/", include("workspace.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("following/", include("following.urls")),
    # Drafts' images, renditions and documents: only through this permission-checked view.
    path("private-media/<path:name>", serve_private, name="private_media"),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # django.conf.urls.static() only works with DEBUG; the tests' server runs without it.
    # MEDIA_ROOT holds public files only: private ones live under PRIVATE_MEDIA_ROOT.
    from django.urls import re_path
    from django.views.static import serve

    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

urlpatterns += [path("", include(wagtail_urls))]
