from django.urls import path

from oms.accounts.api import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
]
