"""Case packs, mounted at /work/packs/ (config/urls.py): where trainers make course material."""

from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.pack_list, name="pack_list"),
    path("new/", views.pack_choose_unit, name="pack_choose_unit"),
    path("new/<int:unit_id>/", views.pack_create, name="pack_create"),
    path("<int:pk>/", views.pack_detail, name="pack_detail"),
    path("<int:pk>/edit/", views.pack_edit, name="pack_edit"),
    path("<int:pk>/delete/", views.pack_delete, name="pack_delete"),
    path("<int:pk>/pdf/<str:edition>/", views.pack_download, name="pack_download"),
]
