from django.urls import path

from . import views

urlpatterns = [path("click/", views.click, name="search-click")]
