from django.urls import path
from rest_framework.routers import SimpleRouter

from oms.inventory.api import allocation, views

router = SimpleRouter()
router.register("inventory/products", views.ProductViewSet, basename="inventory-product")
router.register("inventory/warehouses", views.WarehouseViewSet, basename="inventory-warehouse")
router.register("inventory/stock", views.StockViewSet, basename="inventory-stock")
router.register("inventory/moves", views.MoveViewSet, basename="inventory-move")
router.register("inventory/alerts", views.AlertViewSet, basename="inventory-alert")
router.register("inventory/transfers", views.TransferPlanViewSet, basename="inventory-transfer")

urlpatterns = [
    path("inventory/receipts/", views.ReceiptView.as_view(), name="inventory-receipts"),
    path("inventory/adjustments/", views.AdjustmentView.as_view(), name="inventory-adjustments"),
    path("inventory/transfer-lines/<int:pk>/", views.TransferLineView.as_view(), name="inventory-transfer-line"),
    path("inventory/orders/<int:pk>/allocate/", allocation.AllocateView.as_view(), name="inventory-order-allocate"),
    path(
        "inventory/orders/<int:pk>/release-allocation/",
        allocation.ReleaseAllocationView.as_view(),
        name="inventory-order-release-allocation",
    ),
    *router.urls,
]
