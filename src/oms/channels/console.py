"""The Orders module's intake pages: imports, channels, inbound deliveries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.web.modules import Section

SECTIONS = [
    Section(
        "orders",
        gettext_lazy("Import"),
        "channels:imports",
        ("channels.add_importjob",),
        order=50,
        description=gettext_lazy("Upload order files (CSV, Excel, JSON, Taobao and JD exports) and follow the import."),
    ),
    Section(
        "orders",
        gettext_lazy("Channels"),
        "channels:channels",
        ("channels.view_channel",),
        order=60,
        description=gettext_lazy("Shops on each platform, webhooks, pulls, SKU mappings and column mappings."),
    ),
    Section(
        "orders",
        gettext_lazy("Inbound deliveries"),
        "channels:deliveries",
        ("channels.view_inbounddelivery",),
        order=70,
        description=gettext_lazy("Every webhook, pull and file received, raw, and what became of it."),
    ),
]


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    if not user.has_perm("channels.view_inbounddelivery"):
        return []
    from oms.channels.models import DeliveryStatus, InboundDelivery

    failed = InboundDelivery.objects.restrict(user).filter(status=DeliveryStatus.FAILED).count()
    return [
        {
            "label": _("Failed deliveries"),
            "value": failed,
            "url": reverse("channels:deliveries") + "?status=failed",
            "note": _("Retried automatically; look at those that keep failing."),
        }
    ]
