"""Routes of the work area's front door, mounted at /work/ (config/urls.py)."""

from django.urls import path
from django.views.decorators.cache import never_cache

from . import views

app_name = "workspace"

urlpatterns = [
    path("", never_cache(views.start), name="start"),
    path("dashboard/", never_cache(views.dashboard), name="dashboard"),
]
