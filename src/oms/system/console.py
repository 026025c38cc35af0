"""The settings area's pages in the Settings module."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from oms.web.modules import Section

SECTIONS = [
    Section(
        "settings",
        _("Parameters"),
        "system:parameters",
        ("system.view_parameter",),
        order=10,
        description=_("Runtime settings of every module, with history and rollback."),
    ),
    Section(
        "settings",
        _("Users"),
        "system:users",
        ("auth.view_user",),
        order=20,
        description=_("Create, disable and re-enable users; roles and channel/warehouse limits."),
    ),
    Section(
        "settings",
        _("Roles"),
        "system:roles",
        ("auth.view_group",),
        order=30,
        description=_("What each role may do; custom roles."),
    ),
    Section(
        "settings",
        _("Backups"),
        "system:backups",
        ("system.view_backuprun",),
        order=40,
        description=_("Back up now, download and restore backups."),
    ),
    Section(
        "settings",
        _("Operation log"),
        "system:operation_log",
        ("system.view_operationlog",),
        order=50,
        description=_("Everything administrators did, with who, when and from where."),
    ),
]


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    """The age of the newest backup, for administrators: a missing backup is noticed early."""
    if not (user.has_perm("core.access_settings") and user.has_perm("system.view_backuprun")):
        return []
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.timesince import timesince

    from oms.system import backup

    archives = backup.list_archives()
    value: Any
    note: Any
    if not archives:
        value, note = _("none"), _("No backup yet: take one in Settings > Backups.")
    else:
        taken = datetime.fromtimestamp(archives[0].stat().st_mtime, tz=UTC)
        value = timesince(taken, timezone.now())
        note = _("Older than two days!") if timezone.now() - taken > timedelta(days=2) else ""
    return [
        {
            "label": _("Last backup"),
            "value": value,
            "url": reverse("system:backups"),
            "note": note,
            "key": "last_backup",
        }
    ]
