"""What the built-in roles may do in the inventory area."""

_MODELS = [
    "product",
    "kitcomponent",
    "warehouse",
    "location",
    "stock",
    "stockmove",
    "reservation",
    "stockthreshold",
    "shippingcost",
    "lane",
    "transferplan",
    "transferline",
    "count",
    "countline",
]
READ = [f"inventory.view_{m}" for m in _MODELS]

GRANTS = {
    "warehouse": READ
    + [
        "inventory.add_stockmove",  # receipts and adjustments
        "inventory.add_count",
        "inventory.change_count",
        "inventory.add_transferplan",
        "inventory.change_transferplan",
        "inventory.change_stockthreshold",
        "inventory.add_location",  # bins; warehouses, lanes and shipping costs are the administrators'
        "inventory.change_location",
        "inventory.add_product",
        "inventory.change_product",
        "inventory.override_routing",
    ],
    "viewer": READ,
    "order_clerk": READ,
    "reviewer": ["inventory.view_reservation", "inventory.view_stock", "inventory.override_routing"],
}
