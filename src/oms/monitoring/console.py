"""The monitoring module's pages and its dashboard tile."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.web.modules import Section

SECTIONS = [
    Section(
        "monitoring",
        gettext_lazy("Alerts"),
        "monitoring:alerts",
        ("monitoring.view_alert",),
        10,
        gettext_lazy("Everything that is wrong, in one list: acknowledge and resolve."),
    ),
]


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    if not (user.has_perm("core.access_monitoring") and user.has_perm("monitoring.view_alert")):
        return []
    from oms.monitoring import selectors
    from oms.monitoring.kinds import AlertState

    active = selectors.for_user(user).filter(state=AlertState.OPEN).count()
    return [
        {
            "label": _("Open alerts"),
            "value": active,
            "url": reverse("monitoring:alerts"),
            "note": _("not acknowledged yet"),
        }
    ]
