"""The settings area's pages in the Settings module."""

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
