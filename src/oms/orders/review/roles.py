"""Review and confirmation permissions of the built-in roles (merged into orders.roles.GRANTS)."""

GRANTS = {
    "reviewer": [
        "orders.review_order",
        "orders.hold_order",
        "orders.cancel_order",
        "orders.merge_split_order",
        "orders.view_reviewrule",
        "orders.view_blacklistentry",
        "orders.add_blacklistentry",
        "orders.delete_blacklistentry",
    ],
    "finance_reviewer": ["orders.finance_review_order", "orders.hold_order", "orders.view_reviewrule"],
    "order_clerk": [
        "orders.confirm_order",
        "orders.cancel_order",
        "orders.hold_order",
        "orders.merge_split_order",
    ],
    "customer_service": ["orders.hold_order", "orders.cancel_order"],
}
