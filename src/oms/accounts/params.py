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
        "security.user_lockout_failures",
        "int",
        20,
        _("Failed sign-ins before lockout, from any address"),
        _(
            "Wrong passwords for one username from all IP addresses together that lock the account everywhere "
            "(guessing from many addresses)."
        ),
        min=1,
        max=1000,
    ),
    Param(
        "security.user_lockout_minutes",
        "int",
        1440,
        _("Window of the any-address lockout (minutes)"),
        _("Failures inside this window are counted, and the account stays locked until enough of them are older."),
        min=1,
        max=43200,
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
