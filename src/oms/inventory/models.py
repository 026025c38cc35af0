from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from oms.core.scoping import ScopedQuerySet


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=300)
    spec = models.CharField(_("specification"), max_length=300, blank=True)
    barcode = models.CharField(_("barcode"), max_length=100, blank=True, db_index=True)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=2, default=Decimal("0"))
    list_price = models.DecimalField(_("list price"), max_digits=14, decimal_places=2, default=Decimal("0"))
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=3, default=Decimal("0"))
    volume_l = models.DecimalField(_("volume (L)"), max_digits=10, decimal_places=3, default=Decimal("0"))
    is_kit = models.BooleanField(_("kit"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Warehouse(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province"), max_length=50)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    priority = models.IntegerField(_("priority"), default=100, help_text=_("Lower ships first."))
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": "pk"}

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
