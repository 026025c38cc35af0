from django.urls import path

from oms.system import views

app_name = "system"

urlpatterns = [
    path("", views.index, name="index"),
    path("parameters/", views.parameters, name="parameters"),
    path("parameters/history/", views.parameter_history, name="parameter_history"),
    path("parameters/history/<int:pk>/restore/", views.parameter_restore, name="parameter_restore"),
    path("parameters/test-email/", views.test_email, name="test_email"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("roles/", views.roles, name="roles"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/<int:pk>/", views.role_update, name="role_update"),
    path("backups/", views.backups, name="backups"),
    path("backups/runs/", views.backup_runs, name="backup_runs"),
    path("backups/now/", views.backup_now, name="backup_now"),
    path("backups/<str:name>/download/", views.backup_download, name="backup_download"),
    path("backups/<str:name>/restore/", views.backup_restore, name="backup_restore"),
    path("log/", views.operation_log, name="operation_log"),
]
