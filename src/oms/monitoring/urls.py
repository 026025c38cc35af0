from django.urls import path

from oms.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/<slug:action>/", views.alert_action, name="alert_action"),
]
