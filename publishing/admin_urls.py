from django.urls import path

from . import admin_views

urlpatterns = [
    path("", admin_views.queue, name="queue"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("<int:pk>/assign/", admin_views.assign, name="assign"),
    path("<int:pk>/draft/", admin_views.create_draft, name="create_draft"),
    path("<int:pk>/decline/", admin_views.decline, name="decline"),
    path("cases/<int:page_id>/anonymise/", admin_views.anonymise, name="anonymise"),
    path("cases/<int:page_id>/knowhow/", admin_views.codify, name="codify"),
]
