"""The site's URLs plus MEDIA_ROOT served under MEDIA_URL, as nginx (and the DEBUG route) do.

Tests use it to ask "can anyone fetch this URL?" the way production answers it.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(
        rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
    *site_urlpatterns,
]
