from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsoleAccess(models.Model):
    """Holds the permissions that open each console module; it has no table."""

    class Meta:
        verbose_name = _("console access")
        managed = False
        default_permissions = ()
        permissions = [
            ("access_dashboard", _("Can open the dashboard")),
            ("access_orders", _("Can open the orders module")),
            ("access_inventory", _("Can open the inventory module")),
            ("access_logistics", _("Can open the logistics module")),
            ("access_monitoring", _("Can open the monitoring module")),
            ("access_support", _("Can open the customer service module")),
            ("access_settings", _("Can open the settings module")),
        ]

    def __str__(self) -> str:
        return "console access"


class WorkerHeartbeat(models.Model):
    """Last sign of life of each background worker, shown by /healthz."""

    name = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField()
    pid = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self) -> str:
        return self.name


class Sequence(models.Model):
    """The last value handed out by each named number sequence (oms.core.sequences allocates)."""

    name = models.CharField(max_length=60, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
