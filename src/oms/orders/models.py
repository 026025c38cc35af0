"""The order, its lines and its append-only event log. save() has no side effects; every change
of state goes through orders.actions."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oms.core.scoping import ScopedQuerySet
from oms.orders.choices import OrderStatus, OrderType, PaymentStatus

ZERO = Decimal("0")


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=40, unique=True)
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="orders", verbose_name=_("channel")
    )
    shop = models.CharField(_("shop"), max_length=200, blank=True)
    external_id = models.CharField(_("external id"), max_length=100)
    external_number = models.CharField(_("external number"), max_length=100, blank=True, db_index=True)
    order_type = models.CharField(_("order type"), max_length=20, choices=OrderType.choices, default=OrderType.NORMAL)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    classes = models.JSONField(_("classes"), default=list, blank=True)

    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_phone = models.CharField(_("phone"), max_length=40, blank=True, db_index=True)
    customer_email = models.EmailField(_("email"), blank=True)
    customer_id_card = models.CharField(_("ID card number"), max_length=30, blank=True)
    buyer_id = models.CharField(_("buyer account"), max_length=200, blank=True)

    country = models.CharField(_("country"), max_length=2, default="CN")
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address_detail = models.CharField(_("street address"), max_length=500, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    address_raw = models.TextField(_("address as received"), blank=True)

    buyer_note = models.TextField(_("buyer note"), blank=True)
    seller_note = models.TextField(_("seller note"), blank=True)

    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    goods_amount = models.DecimalField(_("goods amount"), max_digits=14, decimal_places=2, default=ZERO)
    shipping_amount = models.DecimalField(_("shipping fee"), max_digits=14, decimal_places=2, default=ZERO)
    discount_amount = models.DecimalField(_("discount"), max_digits=14, decimal_places=2, default=ZERO)
    total_amount = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=ZERO)
    paid_amount = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=ZERO)
    payment_method = models.CharField(_("payment method"), max_length=50, blank=True)
    payment_status = models.CharField(
        _("payment status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    transaction_id = models.CharField(_("transaction id"), max_length=100, blank=True)

    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    source_updated_at = models.DateTimeField(_("updated on platform"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.RECEIVED, db_index=True
    )
    problems = models.JSONField(_("problems"), default=list, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, unique=True, null=True, blank=True)
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("warehouse"),
    )
    version = models.PositiveIntegerField(default=0, help_text="Bumped by every action; guards concurrent edits.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"channel": "channel_id"}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="order_unique_channel_external_id"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            models.Index(fields=["channel", "status"], name="order_channel_status"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(default=1)
    platform_sku = models.CharField(_("platform SKU"), max_length=100, blank=True)
    product = models.ForeignKey(
        "inventory.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
        verbose_name=_("product"),
    )
    sku = models.CharField(_("SKU"), max_length=100, blank=True, help_text=_("Our SKU, after mapping."))
    name = models.CharField(_("name"), max_length=300)
    spec = models.CharField(_("specification"), max_length=300, blank=True)
    quantity = models.IntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2, default=ZERO)
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=2, default=ZERO)
    external_line_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["order", "line_no"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no} {self.sku or self.platform_sku} x{self.quantity}"


class OrderEvent(models.Model):
    """Append-only: the audit trail and the customer's timeline. Never updated or deleted."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("event"), max_length=40, db_index=True)
    status_from = models.CharField(max_length=20, blank=True)
    status_to = models.CharField(max_length=20, blank=True)
    actor_kind = models.CharField(max_length=20, default="system")
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=False, help_text="Shown on the customer's tracking page.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order event")

    def __str__(self) -> str:
        return f"{self.order_id} {self.type}"
