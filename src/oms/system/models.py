from django.db import models
from django.utils.translation import gettext_lazy as _


class Parameter(models.Model):
    """The current value of one runtime parameter (declared in some area's params.py)."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"), null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("parameter")

    def __str__(self) -> str:
        return self.key
