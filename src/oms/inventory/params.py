"""Runtime parameters of the inventory area (Settings > Inventory)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from oms.core.validators import INT_MAX
from oms.system.params import Param, register

ROUTING_POLICIES = (
    ("fewest_parcels", _("Fewest parcels, then lowest shipping cost")),
    ("nearest", _("Fewest parcels, then nearest warehouse")),
    ("priority", _("Fewest parcels, then warehouse priority order")),
)


def _validate_policies(value: object) -> None:
    codes = {c for c, _label in ROUTING_POLICIES}
    if not isinstance(value, dict) or not all(isinstance(v, str) and v in codes for v in value.values()):
        raise ValidationError(_gettext("Give a mapping of channel code to one of: %s.") % ", ".join(sorted(codes)))


register(
    Param(
        "inventory.low_stock_default",
        "int",
        5,
        _("Default low-stock threshold"),
        _("Used for a SKU and warehouse without their own threshold; 0 turns default alerts off."),
        min=0,
        max=1_000_000,
    ),
    Param(
        "inventory.alert_cover_days",
        "int",
        0,
        _("Alert below days of cover"),
        _("Also alert when available stock covers fewer days of recent sales than this; 0 turns it off."),
        min=0,
        max=365,
    ),
    Param(
        "inventory.velocity_days",
        "int",
        30,
        _("Sales window (days)"),
        _("Recent sales used for velocity, days of cover and replenishment."),
        min=1,
        max=365,
    ),
    Param(
        "inventory.overstock_days",
        "int",
        90,
        _("Overstock above days of cover"),
        min=1,
        max=3650,
    ),
    Param("inventory.slow_mover_days", "int", 60, _("Slow mover after days without sales"), min=1, max=3650),
    Param("inventory.safety_stock_days", "int", 7, _("Safety stock (days of sales)"), min=0, max=365),
    Param("inventory.replenishment_lead_days", "int", 14, _("Replenishment lead time (days)"), min=0, max=365),
    Param(
        "inventory.routing_default_policy",
        "choice",
        "fewest_parcels",
        _("Default warehouse routing policy"),
        choices=ROUTING_POLICIES,
    ),
    Param(
        "inventory.routing_policies",
        "json",
        {},
        _("Routing policy per channel"),
        _("JSON mapping of channel code to policy (the policies below)."),
        validator=_validate_policies,
        legend=lambda: list(ROUTING_POLICIES),
    ),
    Param(
        "inventory.cost_per_100km",
        "decimal",
        "1.00",
        _("Shipping cost per 100 km"),
        _("Estimate used when no shipping cost is configured for a warehouse and province."),
        min=0,
    ),
    Param(
        "inventory.max_stock_change",
        "int",
        1_000_000,
        _("Largest receipt or adjustment (units)"),
        _("One receipt or adjustment moves at most this many units; a larger number is refused as a typing error."),
        min=1,
        max=INT_MAX,
    ),
)
