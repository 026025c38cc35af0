from django.urls import path

from oms.channels import views

app_name = "channels"

urlpatterns = [
    path("", views.channel_list, name="channels"),
    path("add/", views.channel_add, name="channel_add"),
    path("<int:pk>/", views.channel_detail, name="channel"),
    path("<int:pk>/pull/", views.channel_pull, name="channel_pull"),
    path("<int:pk>/columns/", views.column_mapping, name="columns"),
    path("<int:pk>/mappings/", views.mapping_list, name="mappings"),
    path("<int:pk>/mappings/delete/", views.mapping_delete, name="mapping_delete"),
    path("<int:pk>/mappings/import/", views.mapping_import, name="mapping_import"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/rejected.xlsx", views.import_rejected, name="import_rejected"),
    path("imports/template.<slug:fmt>", views.import_template, name="import_template"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("deliveries/retry/", views.delivery_retry, name="delivery_retry"),
]
