from django.utils.translation import gettext_lazy as _

from oms.system.params import Param, register

register(
    Param(
        "security.lockout_failures",
        "int",
        5,
        _("Failed sign-ins before lockout"),
        _("Wrong passwords in a row, for one username from one IP address, that lock the account."),
        min=1,
        max=100,
    ),
    Param(
        "security.lockout_minutes",
        "int",
        15,
        _("Lockout cool-off (minutes)"),
        _("How long a locked account stays locked."),
        min=1,
        max=10080,
    ),
    Param(
        "security.password_max_age_days",
        "int",
        90,
        _("Password expiry (days)"),
        _("Users must choose a new password after this many days. 0 turns expiry off."),
        min=0,
        max=3650,
    ),
    Param(
        "security.password_reuse_depth",
        "int",
        5,
        _("Password reuse depth"),
        _("A new password may not equal any of this many previous ones."),
        min=0,
        max=50,
    ),
    Param(
        "security.session_timeout_minutes",
        "int",
        480,
        _("Session timeout (minutes)"),
        _("Idle time after which a user must sign in again."),
        min=5,
        max=10080,
    ),
)
