"""Runtime parameters of order intake (group "workflow")."""

from django.utils.translation import gettext_lazy as _

from oms.system.params import Param, register

register(
    Param(
        "workflow.duplicate_window_hours",
        "int",
        24,
        _("Duplicate window (hours)"),
        _("An order with the same phone, address and items as one received this many hours before is a duplicate."),
        min=0,
        max=24 * 30,
    ),
    Param(
        "workflow.amount_tolerance",
        "decimal",
        "0.01",
        _("Amount tolerance (CNY)"),
        _("Differences in line totals, order total or paid amount up to this much are accepted."),
        min=0,
        max=1000,
    ),
    Param(
        "workflow.require_id_card",
        "bool",
        False,
        _("Require an ID card number"),
        _("Cross-border shops must send the buyer's ID card number with every order."),
    ),
)

# Review and confirmation parameters (issue 6).
import oms.orders.review.params  # noqa: E402,F401
