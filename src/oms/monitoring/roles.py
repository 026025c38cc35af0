"""What the built-in roles may do with alerts. Which alerts each sees follows the modules it opens
(monitoring.kinds); viewers only look."""

_ACT = [
    "monitoring.view_alert",
    "monitoring.view_alertevent",
    "monitoring.acknowledge_alert",
    "monitoring.assign_alert",
    "monitoring.resolve_alert",
]

GRANTS = {
    "order_clerk": _ACT,
    "reviewer": _ACT,
    "finance_reviewer": _ACT,
    "warehouse": _ACT,
    "logistics": _ACT,
    "customer_service": _ACT,
    "viewer": ["monitoring.view_alert", "monitoring.view_alertevent"],
}
