from typing import Any

from django.urls import path

from oms.orders.api import views

urlpatterns: list[Any] = [
    path("orders/", views.OrderListCreateView.as_view(), name="orders"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order"),
    path("orders/<int:pk>/events/", views.OrderEventListView.as_view(), name="order-events"),
]

# Review and confirmation actions (issue 6): /api/v1/orders/{id}/approve/ ...
from oms.orders.review.api import urlpatterns as _review_urls  # noqa: E402

urlpatterns += _review_urls

# Review rule set and blacklist: /api/v1/review-rules/, /api/v1/blacklist/
from rest_framework.routers import SimpleRouter  # noqa: E402

from oms.orders.review import rules_api  # noqa: E402

_router = SimpleRouter()
_router.register("review-rules", rules_api.ReviewRuleViewSet, basename="review-rule")
_router.register("blacklist", rules_api.BlacklistViewSet, basename="blacklist")
urlpatterns += _router.urls
