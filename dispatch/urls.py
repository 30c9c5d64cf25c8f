from django.urls import path

from . import support_views, views

app_name = "dispatch"

urlpatterns = [
    path("supporters/", views.supporter_list, name="supporter_list"),
    path("supporters/new/", views.supporter_create, name="supporter_create"),
    path("supporters/<int:pk>/", views.supporter_detail, name="supporter_detail"),
    path("supporters/<int:pk>/edit/", views.supporter_edit, name="supporter_edit"),
    path("training/", views.training_status, name="training_status"),
    path("training/remind/", views.training_remind, name="training_remind"),
    path("registry/import/", views.registry_import, name="registry_import"),
    path("registry/<str:kind>.<str:fmt>", views.registry_export, name="registry_export"),
    path("profile/", views.own_profile, name="own_profile"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/mine/", views.request_mine, name="request_mine"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/status/", views.request_status, name="request_status"),
    path("requests/<int:pk>/consent/", views.request_consent, name="request_consent"),
    path("requests/<int:pk>/consent/file/", views.consent_file, name="consent_file"),
    path("requests/<int:pk>/match/", views.request_match, name="request_match"),
    path("requests/<int:pk>/offers/", views.request_offer, name="request_offer"),
    path("offers/<str:token>/", views.offer_respond, name="offer_respond"),
    path("board/", views.monitoring_board, name="board"),
    path("board/summary.xlsx", views.monitoring_board_xlsx, name="board_xlsx"),
    path("support/", support_views.support_list, name="support_list"),
    path("support/new/<int:engagement_pk>/", support_views.support_new, name="support_new"),
    path("support/<int:pk>/", support_views.support_detail, name="support_detail"),
    path("support/<int:pk>/assign/", support_views.support_assign, name="support_assign"),
    path("support/<int:pk>/answer/", support_views.support_answer, name="support_answer"),
    path("support/<int:pk>/reply/", support_views.support_reply, name="support_reply"),
    path("support/<int:pk>/close/", support_views.support_close, name="support_close"),
]
