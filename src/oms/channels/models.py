from django.db import models
from django.utils.translation import gettext_lazy as _

from oms.core import crypto
from oms.core.scoping import ScopedQuerySet


class Platform(models.TextChoices):
    SHOPIFY = "shopify", _("Shopify")
    WOOCOMMERCE = "woocommerce", _("WooCommerce")
    TAOBAO = "taobao", _("Taobao / Tmall")
    JD = "jd", _("JD")
    FILE = "file", _("File import")
    MANUAL = "manual", _("Manual entry")
    API = "api", _("REST API")


class Channel(models.Model):
    """A shop on one sales platform; every order belongs to exactly one channel."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    shop = models.CharField(_("shop"), max_length=200, blank=True)
    base_url = models.URLField(_("API base URL"), blank=True)
    secret_encrypted = models.TextField(blank=True, editable=False)
    token_encrypted = models.TextField(blank=True, editable=False)
    options = models.JSONField(_("options"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"channel": "pk"}

    class Meta:
        ordering = ["code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)

    @property
    def api_token(self) -> str:
        return crypto.decrypt(self.token_encrypted)

    @api_token.setter
    def api_token(self, value: str) -> None:
        self.token_encrypted = crypto.encrypt(value)


class SkuMapping(models.Model):
    """A platform SKU of one channel mapped to our SKU (a product in the catalogue)."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="sku_mappings", verbose_name=_("channel")
    )
    platform_sku = models.CharField(_("platform SKU"), max_length=100)
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.CASCADE, related_name="sku_mappings", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(
        _("units per platform unit"),
        default=1,
        help_text=_("For a platform listing that sells a pack of several units."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"channel": "channel_id"}

    class Meta:
        ordering = ["channel", "platform_sku"]
        verbose_name = _("SKU mapping")
        verbose_name_plural = _("SKU mappings")
        constraints = [models.UniqueConstraint(fields=["channel", "platform_sku"], name="sku_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.platform_sku} -> {self.product_id}"
