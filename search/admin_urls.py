from django.urls import path

from . import admin_views

urlpatterns = [
    path("", admin_views.report, name="report"),
    path("csv/", admin_views.report_csv, name="report_csv"),
]
