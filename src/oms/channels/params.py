"""Runtime parameters of the intake edge (webhooks, pulls, imports)."""

from django.utils.translation import gettext_lazy as _

from oms.system.params import Param, register

register(
    Param(
        "channels.webhook_max_bytes",
        "int",
        2 * 1024 * 1024,
        _("Largest webhook body accepted (bytes)"),
        _("A larger delivery is refused with 413 and not stored."),
        min=1024,
        max=50 * 1024 * 1024,
    ),
    Param(
        "channels.delivery_max_attempts",
        "int",
        8,
        _("Attempts to process a delivery"),
        _("A delivery that keeps failing is retried with growing pauses, then left failed for a person to look at."),
        min=1,
        max=50,
    ),
    Param(
        "channels.pull_interval_minutes",
        "int",
        15,
        _("Minutes between pulls from a platform"),
        _("Each active Shopify or WooCommerce channel is asked for orders changed since the last pull."),
        min=1,
        max=1440,
    ),
    Param(
        "channels.pull_first_days",
        "int",
        7,
        _("Days fetched by a channel's first pull"),
        min=1,
        max=365,
    ),
    Param(
        "channels.import_batch_size",
        "int",
        500,
        _("Orders per batch in a bulk import"),
        _("Progress is saved after each batch, so an interrupted import resumes there."),
        min=10,
        max=10000,
    ),
    Param(
        "channels.import_parallel_min_rows",
        "int",
        20000,
        _("Rows from which a bulk import reads the file in a second process"),
        _(
            "A large file is read and checked in a second process while the first one stores the orders, "
            "which uses a second processor core. 0 turns this off."
        ),
        min=0,
        max=100_000_000,
    ),
)
