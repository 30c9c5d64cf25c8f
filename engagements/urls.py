from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("", views.engagement_list, name="list"),
    path("<int:pk>/", views.engagement_detail, name="detail"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("<int:engagement_pk>/activity-plan/edit/", views.record_edit, name="activity_plan_edit"),
    path(
        "<int:engagement_pk>/activity-plan/versions/",
        views.record_versions,
        name="activity_plan_versions",
    ),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:visit_pk>/<slug:kind_slug>/edit/", views.record_edit, name="record_edit"),
    path(
        "visits/<int:visit_pk>/<slug:kind_slug>/versions/",
        views.record_versions,
        name="record_versions",
    ),
    path("visits/<int:pk>/files/", views.attachment_upload, name="upload"),
    path("visits/<int:pk>/comments/", views.comment_create, name="comment"),
    path("files/<int:pk>/", views.attachment_detail, name="attachment"),
    path("files/<int:pk>/download/", views.attachment_download, name="attachment_download"),
    path("files/<int:pk>/inline/", views.attachment_inline, name="attachment_inline"),
]
