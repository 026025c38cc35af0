from django.urls import path

from oms.orders.api import views

urlpatterns = [
    path("orders/", views.OrderListCreateView.as_view(), name="orders"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order"),
]

# Review and confirmation actions (issue 6): /api/v1/orders/{id}/approve/ ...
from oms.orders.review.api import urlpatterns as _review_urls  # noqa: E402

urlpatterns += _review_urls
