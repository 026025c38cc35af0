"""Products, places, the stock ledger and everything that hangs off it.

`StockMove` is the ledger and is append-only. `Stock` holds cached balances per product x warehouse,
changed only by `oms.inventory.ledger` in the same transaction as the move that explains the change;
`oms check-stock` re-sums the ledger and must always agree.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oms.core.scoping import ScopedQuerySet, scope_of


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


class KitComponent(models.Model):
    """A kit (combo) SKU is made of components; reserving a kit reserves its components."""

    kit = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="components", verbose_name=_("kit"))
    component = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="used_in_kits", verbose_name=_("component")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        ordering = ["kit", "component"]
        verbose_name = _("kit component")
        verbose_name_plural = _("kit components")
        constraints = [
            models.UniqueConstraint(fields=["kit", "component"], name="kitcomponent_unique"),
            models.CheckConstraint(condition=~Q(kit=models.F("component")), name="kitcomponent_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.kit_id} = {self.quantity} x {self.component_id}"


class Warehouse(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province"), max_length=50)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    priority = models.IntegerField(_("priority"), default=100, help_text=_("Lower ships first."))
    active = models.BooleanField(_("active"), default=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    covered_provinces = models.JSONField(
        _("provinces delivered to"),
        default=list,
        blank=True,
        help_text=_("Provinces this warehouse delivers to; empty means every province."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": "pk"}

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def covers(self, province: str) -> bool:
        """Whether this warehouse delivers to `province` (names compared without 省/市/自治区 suffixes)."""
        from oms.inventory.geo import covers

        return covers(self.covered_provinces, province)


class Location(models.Model):
    """A bin inside a warehouse; optional. A stock row may name the bin its SKU is picked from."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="locations")
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": "warehouse_id"}

    class Meta:
        ordering = ["warehouse", "code"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [models.UniqueConstraint(fields=["warehouse", "code"], name="location_unique_code")]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code}"


class Stock(models.Model):
    """Cached balances of one product in one warehouse. Written only by oms.inventory.ledger."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock", verbose_name=_("product"))
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="stock", verbose_name=_("warehouse")
    )
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="stock", verbose_name=_("location")
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    in_transit = models.IntegerField(_("in transit"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": "warehouse_id"}

    class Meta:
        ordering = ["product__sku", "warehouse__priority", "warehouse__code"]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="stock_unique_product_warehouse"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(in_transit__gte=0), name="stock_in_transit_not_negative"),
            models.CheckConstraint(condition=Q(on_hand__gte=models.F("reserved")), name="stock_not_oversold"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def value(self) -> Decimal:
        return self.product.unit_cost * self.on_hand


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    RESERVE = "reserve", _("Reserve")
    RELEASE = "release", _("Release")
    SHIP = "ship", _("Ship")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ADJUST = "adjust", _("Adjustment")
    COUNT = "count", _("Stocktake")


class StockMoveQuerySet(ScopedQuerySet):
    def restrict(self, user):  # type: ignore[no-untyped-def]
        """The warehouse's ledger, without the moves made for orders of channels outside the user's scope
        (their reason names the order)."""
        qs = super().restrict(user)
        channel_ids = scope_of(user).channel_ids if getattr(user, "is_authenticated", False) else None
        if channel_ids is None:
            return qs
        from django.apps import apps

        in_scope = apps.get_model("orders", "Order").objects.filter(channel_id__in=channel_ids).values("pk")
        return qs.exclude(Q(ref_type="order") & ~Q(ref_id__in=in_scope))


class StockMove(models.Model):
    """The ledger. Append-only. Each row carries the exact change it made to the three balances."""

    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices, db_index=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="moves", verbose_name=_("product"))
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="moves", verbose_name=_("warehouse")
    )
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True)
    quantity = models.IntegerField(_("quantity"))
    d_on_hand = models.IntegerField(default=0)
    d_reserved = models.IntegerField(default=0)
    d_in_transit = models.IntegerField(default=0)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=2, default=Decimal("0"))
    ref_type = models.CharField(_("reference type"), max_length=20, blank=True)  # order | transfer | count
    ref_id = models.BigIntegerField(_("reference"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor_kind = models.CharField(max_length=20, default="system")
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = StockMoveQuerySet.as_manager()
    scope_fields = {"warehouse": "warehouse_id"}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        indexes = [
            models.Index(fields=["ref_type", "ref_id"], name="stockmove_ref"),
            models.Index(fields=["product", "warehouse", "created_at"], name="stockmove_pw_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id}@{self.warehouse_id} {self.quantity}"

    @property
    def ref_label(self) -> str:
        """What the move belongs to, in words: "Order 126", "Transfer 3"."""
        word = REF_TYPES.get(self.ref_type)
        name = str(word) if word is not None else self.ref_type
        return f"{name} {self.ref_id}" if self.ref_id is not None else name


# StockMove.ref_type codes as words.
REF_TYPES = {
    "order": pgettext_lazy("stock move reference", "Order"),
    "transfer": pgettext_lazy("stock move reference", "Transfer"),
    "count": pgettext_lazy("stock move reference", "Stocktake"),
    "import": pgettext_lazy("stock move reference", "Import"),
}


class ReservationState(models.TextChoices):
    ACTIVE = "active", _("Active")
    RELEASED = "released", _("Released")
    SHIPPED = "shipped", pgettext_lazy("reservation", "Shipped")


class Reservation(models.Model):
    """What was reserved for which order line (a kit line reserves one row per component)."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="reservations")
    line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, related_name="reservations")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reservations")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField(_("quantity"))
    state = models.CharField(
        _("state"), max_length=20, choices=ReservationState.choices, default=ReservationState.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": "warehouse_id"}

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        permissions = [("override_routing", _("Can override the warehouse routing of an order"))]
        indexes = [models.Index(fields=["order", "state"], name="reservation_order_state")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_id} {self.product_id}@{self.warehouse_id} x{self.quantity}"


class StockThreshold(models.Model):
    """Low-stock threshold and replenishment target for one SKU in one warehouse."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="thresholds")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="thresholds")
    minimum = models.PositiveIntegerField(_("low-stock threshold"))
    target = models.PositiveIntegerField(_("target level"), null=True, blank=True)
    cover_level = models.PositiveIntegerField(
        _("days-of-cover level"), default=0, help_text=_("Set by the periodic scan from recent sales.")
    )

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": "warehouse_id"}

    class Meta:
        ordering = ["product", "warehouse"]
        verbose_name = _("stock threshold")
        verbose_name_plural = _("stock thresholds")
        constraints = [models.UniqueConstraint(fields=["product", "warehouse"], name="threshold_unique")]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id} >= {self.minimum}"


class ShippingCost(models.Model):
    """Cost of one parcel from a warehouse to a province: base + per kg. Missing pairs fall back to distance."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="shipping_costs")
    province = models.CharField(_("province"), max_length=50)
    base = models.DecimalField(_("first parcel cost"), max_digits=10, decimal_places=2)
    per_kg = models.DecimalField(_("per kg"), max_digits=10, decimal_places=2, default=Decimal("0"))

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": "warehouse_id"}

    class Meta:
        ordering = ["warehouse", "province"]
        verbose_name = _("shipping cost")
        verbose_name_plural = _("shipping costs")
        constraints = [models.UniqueConstraint(fields=["warehouse", "province"], name="shippingcost_unique")]

    def __str__(self) -> str:
        return f"{self.warehouse_id} -> {self.province}"


class Lane(models.Model):
    """A transfer route between two warehouses with its cost per unit and lead time."""

    source = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="lanes_out", verbose_name=pgettext_lazy("warehouse", "from")
    )
    destination = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="lanes_in", verbose_name=pgettext_lazy("warehouse", "to")
    )
    unit_cost = models.DecimalField(_("cost per unit"), max_digits=10, decimal_places=2)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=2)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": ("source_id", "destination_id")}  # seen when either end is in scope

    class Meta:
        ordering = ["source", "destination"]
        verbose_name = _("lane")
        verbose_name_plural = _("lanes")
        constraints = [
            models.UniqueConstraint(fields=["source", "destination"], name="lane_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("destination")), name="lane_not_loop"),
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.destination.code}"


class TransferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", pgettext_lazy("transfer", "Approved")
    DISPATCHED = "dispatched", _("Dispatched")
    RECEIVING = "receiving", _("Partly received")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TransferPlanQuerySet(ScopedQuerySet):
    def restrict(self, user):  # type: ignore[no-untyped-def]
        """Plans with at least one line that leaves from or arrives at one of the user's warehouses."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if scope_of(user).warehouse_ids is None:
            return self
        return self.filter(pk__in=TransferLine.objects.restrict(user).values("plan_id"))


class TransferPlan(models.Model):
    number = models.CharField(_("number"), max_length=30, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=TransferStatus.choices, default="draft")
    note = models.TextField(_("note"), blank=True)
    total_cost = models.DecimalField(_("total cost"), max_digits=14, decimal_places=2, default=Decimal("0"))
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TransferPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("transfer plan")
        verbose_name_plural = _("transfer plans")

    def __str__(self) -> str:
        return self.number


class TransferLine(models.Model):
    plan = models.ForeignKey(TransferPlan, on_delete=models.CASCADE, related_name="lines")
    source = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("warehouse", "from")
    )
    destination = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("warehouse", "to")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.PositiveIntegerField(_("quantity"))
    received = models.PositiveIntegerField(_("received"), default=0)
    unit_cost = models.DecimalField(_("cost per unit"), max_digits=10, decimal_places=2, default=Decimal("0"))
    expected_arrival = models.DateField(_("expected arrival"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": ("source_id", "destination_id")}  # seen when either end is in scope

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.product_id} {self.source_id}->{self.destination_id} x{self.quantity}"

    @property
    def outstanding(self) -> int:
        return self.quantity - self.received


class TransferEvent(models.Model):
    """Append-only history of a transfer plan."""

    plan = models.ForeignKey(TransferPlan, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30)
    status_from = models.CharField(max_length=20, blank=True)
    status_to = models.CharField(max_length=20, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer event")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.type}"


class CountStatus(models.TextChoices):
    OPEN = "open", _("Open")
    POSTED = "posted", _("Posted")


class Count(models.Model):
    """A stocktake of one warehouse: expected vs counted per SKU; posting writes the differences."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="counts")
    status = models.CharField(_("status"), max_length=10, choices=CountStatus.choices, default="open")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    # The last ledger row when the count started: later rows of a counted SKU mean it moved during the count.
    move_mark = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"warehouse": "warehouse_id"}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")

    def __str__(self) -> str:
        return f"count {self.pk} @{self.warehouse_id}"


class CountLine(models.Model):
    count = models.ForeignKey(Count, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    expected = models.IntegerField(_("expected"))
    counted = models.IntegerField(_("counted"), null=True, blank=True)
    # On hand when the count was posted: the difference posted is counted - this.
    book_at_post = models.IntegerField(_("on hand when posted"), null=True, blank=True)

    class Meta:
        verbose_name = _("count line")
        ordering = ["count", "product__sku"]
        constraints = [models.UniqueConstraint(fields=["count", "product"], name="countline_unique")]

    def __str__(self) -> str:
        return f"{self.count_id}: {self.product_id} {self.expected}/{self.counted}"

    @property
    def difference(self) -> int | None:
        if self.counted is None:
            return None
        return self.counted - (self.expected if self.book_at_post is None else self.book_at_post)
