"""Parameters of the notification and backup groups (the system area's own)."""

from django.utils.translation import gettext_lazy as _

from oms.system.params import Param, register

register(
    Param("notifications.smtp_host", "str", "localhost", _("SMTP host")),
    Param("notifications.smtp_port", "int", 25, _("SMTP port"), min=1, max=65535),
    Param(
        "notifications.smtp_security",
        "choice",
        "none",
        _("SMTP security"),
        choices=(("none", _("None")), ("starttls", _("STARTTLS")), ("ssl", _("SSL/TLS"))),
    ),
    Param("notifications.smtp_user", "str", "", _("SMTP user")),
    Param(
        "notifications.smtp_password",
        "secret",
        "",
        _("SMTP password"),
        _("Stored encrypted and never shown again; leave empty to keep the current one."),
    ),
    Param("notifications.sender", "str", "oms@localhost", _("Sender address")),
    Param(
        "backup.schedule_hour",
        "int",
        3,
        _("Daily backup hour"),
        _("Hour of the day (0-23) at which the worker takes a backup; -1 turns scheduled backups off."),
        min=-1,
        max=23,
    ),
    Param("backup.keep", "int", 7, _("Backups to keep"), _("Older backups are deleted."), min=1, max=1000),
    Param(
        "backup.directory",
        "str",
        "",
        _("Backup directory"),
        _("Where backups are written; empty means the backups folder in the data directory."),
    ),
)
