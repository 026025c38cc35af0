"""The accounts area's pages in the Settings module, and the sign-in tiles of the dashboard."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oms.web.modules import Section

SECTIONS = [
    Section(
        "settings",
        _("Lockouts"),
        "accounts:lockouts",
        ("accounts.view_lockouts",),
        order=80,
        description=_("Accounts locked after failed sign-ins; lift a lockout."),
    ),
    Section(
        "settings",
        _("Sign-in log"),
        "accounts:login_log",
        ("accounts.view_loginrecord",),
        order=81,
        description=_("Every sign-in and failed attempt, with time, IP address and browser."),
    ),
    Section(
        "settings",
        _("API tokens"),
        "accounts:tokens",
        ("accounts.manage_api_tokens",),
        order=82,
        description=_("Keys that integrations use to call the REST API."),
    ),
]


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    if not (user.has_perm("core.access_settings") and user.has_perm("accounts.view_loginrecord")):
        return []
    from oms.accounts.lockout import attempts
    from oms.accounts.models import LoginRecord
    from oms.core.scoping import scope_of
    from oms.system.users import manageable_by

    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = LoginRecord.objects.filter(created_at__gte=start)
    people = None  # a limited administrator counts the people they manage (as the sign-in log shows)
    if not scope_of(user).unrestricted:
        people = set(manageable_by(user).values_list("username", flat=True))
        today = today.filter(user__username__in=people)
    log_url = reverse("accounts:login_log")
    date = start.date().isoformat()
    panels: list[dict[str, Any]] = [
        {
            "label": _("Signed-in users today"),
            "value": today.filter(result=LoginRecord.Result.SUCCESS).values("user_id").distinct().count(),
            "url": f"{log_url}?result=success&date_from={date}",
            "note": "",
            "key": "signed_in_today",
        },
        {
            "label": _("Failed sign-ins today"),
            "value": today.exclude(result=LoginRecord.Result.SUCCESS).count(),
            "url": f"{log_url}?result=failure&date_from={date}",
            "note": "",
            "key": "failed_today",
        },
    ]
    if user.has_perm("accounts.view_lockouts"):
        panels.append(
            {
                "label": _("Locked accounts"),
                "value": len([a for a in attempts(locked_only=True) if people is None or a.username in people]),
                "url": reverse("accounts:lockouts"),
                "note": "",
                "key": "locked_now",
            }
        )
    return panels
