from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.my_surveys, name="mine"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("status/", views.status_list, name="status"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("visits/<int:visit_pk>/setup/", views.setup, name="setup"),
    path("answers/", views.answer_list, name="answers"),
    path("answers/export.<str:fmt>", views.answer_export, name="export"),
    path("analysis/", views.analysis_page, name="analysis"),
]
