"""Runtime parameters of review and confirmation (group "workflow"); imported by orders.params."""

from django.utils.translation import gettext_lazy as _

from oms.system.params import Param, register

register(
    Param(
        "workflow.auto_review_enabled",
        "bool",
        True,
        _("Automatic review"),
        _("Run the review rules on every valid order; when off, every order waits for a person."),
    ),
    Param(
        "workflow.auto_confirm",
        "bool",
        False,
        _("Confirm automatically after approval"),
        _("When on, an approved order is confirmed (stock reserved, tracking number given) without a clerk."),
    ),
    Param(
        "workflow.auto_merge",
        "bool",
        False,
        _("Merge automatically"),
        _("When on, an approved order is merged with the approved orders of the same customer, address and shop."),
    ),
    Param(
        "workflow.max_parcel_weight_kg",
        "decimal",
        "30",
        _("Maximum parcel weight (kg)"),
        _("An order heavier than this cannot be confirmed until the logistics area offers a carrier for it."),
        min=0,
        max=100000,
    ),
    Param("workflow.tracking_prefix", "str", "OMS", _("Tracking number prefix")),
    Param(
        "workflow.tracking_date_format",
        "choice",
        "%y%m%d",
        _("Tracking number date part"),
        choices=(("%y%m%d", "YYMMDD"), ("%Y%m%d", "YYYYMMDD"), ("", _("none"))),
    ),
    Param(
        "workflow.tracking_digits",
        "int",
        7,
        _("Tracking number sequence digits"),
        _("The sequence is zero-padded to this many digits."),
        min=3,
        max=12,
    ),
    Param(
        "workflow.tracking_check",
        "choice",
        "luhn",
        _("Tracking number check digit"),
        choices=(("luhn", "Luhn"), ("mod11_10", "ISO 7064 MOD 11,10")),
    ),
)
