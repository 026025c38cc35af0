"""What each built-in role may do with orders (synced into the role groups after every migrate)."""

_READ = ["orders.view_order", "orders.view_orderline", "orders.view_orderevent"]
_PERSONAL = ["orders.view_personal_data"]

GRANTS = {
    "order_clerk": [
        *_READ,
        *_PERSONAL,
        "orders.add_order",
        "orders.change_order",
        "orders.export_orders",
        "orders.view_classificationrule",
    ],
    "reviewer": [*_READ, *_PERSONAL, "orders.export_orders", "orders.view_classificationrule"],
    "finance_reviewer": [*_READ, *_PERSONAL, "orders.export_orders"],
    "customer_service": [*_READ, *_PERSONAL],
    "viewer": [*_READ],
    # the warehouse takes confirmed orders for picking (allocate_order / release_allocation)
    "warehouse": ["orders.allocate_order"],
}

# Review and confirmation (issue 6).
from oms.orders.review.roles import GRANTS as _REVIEW_GRANTS  # noqa: E402

for _role, _perms in _REVIEW_GRANTS.items():
    GRANTS.setdefault(_role, []).extend(_perms)
