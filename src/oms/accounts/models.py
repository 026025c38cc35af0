from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserProfile(models.Model):
    """What OMS keeps about a person beyond Django's user: language, password state, data scope."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=10, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    # Empty means "all": a user limited to some channels/warehouses sees only their data.
    channels = models.ManyToManyField("channels.Channel", blank=True, verbose_name=_("channels"))
    warehouses = models.ManyToManyField("inventory.Warehouse", blank=True, verbose_name=_("warehouses"))

    class Meta:
        verbose_name = _("user profile")

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("password history")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginRecord(models.Model):
    """One sign-in attempt on the console: who tried, from where, and what came of it. Append-only."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("Signed in")
        FAILURE = "failure", _("Wrong username or password")
        LOCKED = "locked", _("Refused: locked out")
        LIFTED = "lifted", _("Lockout lifted by an administrator")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    username = models.CharField(_("username tried"), max_length=150, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_records",
        verbose_name=_("user"),
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True, db_index=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sign-in record")
        verbose_name_plural = _("sign-in log")
        permissions = [
            ("view_lockouts", _("Can see and lift sign-in lockouts")),
            ("manage_api_tokens", _("Can issue and revoke API tokens")),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.result}"
