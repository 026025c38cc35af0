from django.urls import path

from oms.system.api import views

urlpatterns = [
    path("settings/parameters/", views.ParametersView.as_view(), name="settings-parameters"),
    path("settings/parameters/revisions/", views.RevisionListView.as_view(), name="settings-revisions"),
    path(
        "settings/parameters/revisions/<int:pk>/restore/",
        views.RevisionRestoreView.as_view(),
        name="settings-revision-restore",
    ),
    path("settings/users/", views.UserListView.as_view(), name="settings-users"),
    path("settings/users/<int:pk>/", views.UserDetailView.as_view(), name="settings-user"),
    path(
        "settings/users/<int:pk>/reset-password/",
        views.UserResetPasswordView.as_view(),
        name="settings-user-reset-password",
    ),
]
