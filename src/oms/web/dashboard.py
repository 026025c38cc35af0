"""Dashboard panels: each area may offer `dashboard_panels(user) -> list[dict]` in its console.py."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.accounts.models import LoginRecord
from oms.core.areas import area_modules
from oms.web.charts import Series, bar_chart

log = logging.getLogger(__name__)


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = []
    for module in area_modules("console"):
        provider = getattr(module, "dashboard_panels", None)
        if provider is not None:
            try:
                panels.extend(provider(user))
            except Exception:  # one area's broken tile must not take the home page down with it
                log.exception("dashboard panels of %s failed", module.__name__)
    return panels


def sign_in_chart(days: int = 7) -> Any:
    """Successful and failed sign-ins per day over the last `days` days, as an SVG bar chart."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        LoginRecord.objects.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(ok=Count("pk", filter=Q(result="success")), failed=Count("pk", filter=~Q(result="success")))
    )
    by_day: dict[Any, tuple[int, int]] = {r["day"]: (r["ok"], r["failed"]) for r in rows}
    dates = [first + timedelta(days=i) for i in range(days)]
    ok = [by_day.get(d, (0, 0))[0] for d in dates]
    failed = [by_day.get(d, (0, 0))[1] for d in dates]
    return bar_chart(
        [d.strftime("%m-%d") for d in dates],
        [Series(_("Signed in"), ok, "#198754"), Series(_("Failed"), failed, "#dc3545")],
        title=_("Sign-ins over the last 7 days"),
    )
