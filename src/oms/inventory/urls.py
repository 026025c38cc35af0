from django.urls import path

from oms.inventory import views

app_name = "inventory"

urlpatterns = [
    path("stock/", views.stock, name="stock"),
    path("stock/receive/", views.stock_receive, name="receive"),
    path("stock/adjust/", views.stock_adjust, name="adjust"),
    path("stock/import/", views.stock_import, name="stock_import"),
    path("products/", views.products, name="products"),
    path("products/import/", views.products_import, name="products_import"),
    path("moves/", views.moves, name="moves"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/threshold/", views.threshold_set, name="threshold_set"),
    path("analysis/", views.analysis_view, name="analysis"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/propose/", views.transfer_propose, name="transfer_propose"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer"),
    path("counts/", views.counts, name="counts"),
    path("counts/<int:pk>/", views.count_detail, name="count"),
    path("warehouses/", views.warehouses, name="warehouses"),
    path("routing/<int:order_id>/", views.routing_view, name="routing"),
]
