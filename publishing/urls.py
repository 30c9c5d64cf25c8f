from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("", views.my_proposals, name="mine"),
    path("new/<int:engagement_pk>/", views.propose, name="propose"),
]
