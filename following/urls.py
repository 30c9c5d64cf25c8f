"""Routes of the library's feeds and saved searches, mounted at /following/ (config/urls.py)."""

from django.urls import path
from django.views.decorators.cache import never_cache

from . import views
from .feeds import CaseSearchFeed

app_name = "following"

urlpatterns = [
    path("feed/", CaseSearchFeed(), name="case_feed"),
    path("saved/", never_cache(views.saved_list), name="saved_list"),
    path("saved/new/", never_cache(views.saved_new), name="saved_new"),
    path("saved/<int:pk>/", never_cache(views.saved_edit), name="saved_edit"),
    path("saved/<int:pk>/delete/", never_cache(views.saved_delete), name="saved_delete"),
    path("unsubscribe/<str:token>/", never_cache(views.unsubscribe), name="unsubscribe"),
]
