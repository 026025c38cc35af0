from django.urls import path

from oms.inventory import views, views_setup

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
    path("warehouses/", views_setup.warehouses, name="warehouses"),
    path("warehouses/new/", views_setup.warehouse_new, name="warehouse_new"),
    path("warehouses/bulk/", views_setup.warehouses_bulk, name="warehouses_bulk"),
    path("warehouses/<int:pk>/", views_setup.warehouse_detail, name="warehouse"),
    path("warehouses/<int:pk>/edit/", views_setup.warehouse_edit, name="warehouse_edit"),
    path("warehouses/<int:pk>/active/", views_setup.warehouse_active, name="warehouse_active"),
    path("warehouses/<int:pk>/bins/", views_setup.warehouse_bin_add, name="bin_add"),
    path("bins/<int:pk>/", views_setup.bin_edit, name="bin_edit"),
    path("lanes/", views_setup.lanes, name="lanes"),
    path("lanes/new/", views_setup.lane_add, name="lane_add"),
    path("lanes/<int:pk>/", views_setup.lane_edit, name="lane_edit"),
    path("shipping-costs/", views_setup.shipping_costs, name="shipping_costs"),
    path("shipping-costs/save/", views_setup.shipping_cost_save, name="shipping_cost_save"),
    path("shipping-costs/<int:pk>/delete/", views_setup.shipping_cost_delete, name="shipping_cost_delete"),
    path("products/<int:pk>/", views_setup.product_detail, name="product"),
    path("products/<int:pk>/kit/", views_setup.product_kit, name="product_kit"),
    path("routing/<int:order_id>/", views.routing_view, name="routing"),
]
