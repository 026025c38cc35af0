from django.urls import path

from oms.web import views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("m/<slug:code>/", views.module, name="module"),
    path("language/", views.set_language, name="set_language"),
]
