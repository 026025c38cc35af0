"""The order, its lines and its append-only event log. save() has no side effects; every change
of state goes through orders.actions."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oms.core.scoping import ScopedQuerySet
from oms.orders.choices import OrderStatus, OrderType, PaymentStatus

ZERO = Decimal("0")


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=40, unique=True)
    # No index of its own: (channel, external_id) and (channel, -created_at) lead with it.
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="orders", verbose_name=_("channel"), db_index=False
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
    # Tax as the platform reports it; part of the total only when prices exclude tax.
    tax_amount = models.DecimalField(_("tax"), max_digits=14, decimal_places=2, default=ZERO)
    taxes_included = models.BooleanField(_("prices include tax"), default=True)
    payment_method = models.CharField(_("payment method"), max_length=50, blank=True)
    payment_status = models.CharField(
        _("payment status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    transaction_id = models.CharField(_("transaction id"), max_length=100, blank=True)

    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    source_updated_at = models.DateTimeField(_("updated on platform"), null=True, blank=True)

    # Indexed by (status, -created_at), which also serves a filter on status alone.
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.RECEIVED)
    # When the order entered its status: stamped by oms.orders.transitions, the only writer of status.
    status_changed_at = models.DateTimeField(_("in this status since"), null=True, blank=True, editable=False)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    source = models.CharField(_("arrived by"), max_length=20, blank=True)
    # Fingerprint of the platform's content: a re-delivery with the same one is "unchanged".
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Who + where + what: finds likely duplicates across external ids (orders.rules.content_signature).
    content_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
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
            # The order list: a filter on status, channel or type walks its index in list order; the
            # counts of an amount range read only the index (status and classes ride along; the counts
            # of the other filters come from OrderCount). created_at stays a one-column index: a wider
            # one makes SQLite sort an amount range instead of walking the list order.
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            models.Index(fields=["channel", "-created_at"], name="order_channel_created"),
            models.Index(fields=["order_type", "-created_at"], name="order_type_created"),
            models.Index(fields=["total_amount", "status", "classes"], name="order_total_cover"),
            models.Index(fields=["customer_name"], name="order_customer_name"),
            # API polling: ?updated_since= reads the orders changed since the last poll.
            models.Index(fields=["updated_at"], name="order_updated_at"),
        ]
        permissions = [
            ("view_personal_data", _("Can see customers' phone numbers and ID cards unmasked")),
            ("export_orders", _("Can export orders")),
            ("allocate_order", _("Can hand confirmed orders to the warehouse for picking")),
        ]

    def __str__(self) -> str:
        return self.number


class OrderCount(models.Model):
    """How many orders up to OrderCountMark share one (channel, status, order type, class list, UTC
    month received): the order list's counts per status and per class, and the class filter's set of
    class lists, without reading the orders. Written only by oms.orders.counts (its fold and
    triggers). Read-only here."""

    channel_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    order_type = models.CharField(max_length=20)
    classes = models.JSONField(default=list)
    month = models.DateField(default=date(2000, 1, 1), help_text="First day of the UTC month received in.")
    n = models.BigIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"channel": "channel_id"}

    class Meta:
        verbose_name = _("order count")
        constraints = [
            models.UniqueConstraint(
                fields=["channel_id", "status", "order_type", "classes", "month"], name="order_count_month_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.status}/{self.order_type}/{self.classes}: {self.n}"


class OrderCountMark(models.Model):
    """One row (id 1): the last order id counted in OrderCount. Written only by oms.orders.counts."""

    last_order_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("order count mark")

    def __str__(self) -> str:
        return str(self.last_order_id)


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


class RuleField(models.TextChoices):
    AMOUNT = "amount", _("Total amount")
    CHANNEL = "channel", _("Channel code")
    PLATFORM = "platform", _("Platform")
    ORDER_TYPE = "order_type", _("Order type")
    TAG = "tag", _("Tag")
    PROVINCE = "province", _("Province")


class RuleOperator(models.TextChoices):
    EQ = "eq", _("equals")
    NE = "ne", _("differs from")
    LT = "lt", _("less than")
    LTE = "lte", _("at most")
    GT = "gt", _("greater than")
    GTE = "gte", _("at least")
    IN = "in", _("is one of (comma separated)")
    CONTAINS = "contains", _("contains")
    BETWEEN = "between", _("between (low,high: low ≤ x < high)")


class ClassificationRule(models.Model):
    """One classification rule: when `field operator value` holds, the order gets `label`.

    Every matching rule adds its label (rules are not exclusive); `position` orders the labels."""

    name = models.CharField(_("name"), max_length=100)
    field = models.CharField(_("field"), max_length=20, choices=RuleField.choices)
    operator = models.CharField(_("operator"), max_length=10, choices=RuleOperator.choices)
    value = models.CharField(_("value"), max_length=300)
    label = models.SlugField(_("class"), max_length=50)
    position = models.PositiveIntegerField(_("position"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("classification rule")
        verbose_name_plural = _("classification rules")

    def __str__(self) -> str:
        return f"{self.name}: {self.field} {self.operator} {self.value} -> {self.label}"


class SavedView(models.Model):
    """A user's named order-list filter (the list's query string)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="order_views")
    name = models.CharField(_("name"), max_length=100)
    query = models.TextField(_("query"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved view")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="order_saved_view_unique")]

    def __str__(self) -> str:
        return self.name


class IdempotencyKey(models.Model):
    """An API request key: the same key and body gets the same answer; a different body is refused."""

    key = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="order_idempotency_unique")]

    def __str__(self) -> str:
        return self.key


# Review and confirmation records (issue 6) live in their own module, registered with this app.
from oms.orders.review.models import (  # noqa: E402,F401
    BlacklistEntry,
    MergeGroup,
    OrderHold,
    OrderReview,
    ReviewRule,
)
