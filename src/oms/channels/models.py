from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
        """Raises crypto.SecretUndecryptable when the stored secret was made with another key."""
        return crypto.decrypt(self.secret_encrypted, f"channel {self.code} webhook secret")

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)

    @property
    def secret_state(self) -> str:
        """crypto.CURRENT / FALLBACK (readable, to be rotated) / UNDECRYPTABLE / EMPTY."""
        return crypto.key_state(self.secret_encrypted)

    @property
    def token_state(self) -> str:
        return crypto.key_state(self.token_encrypted)

    @property
    def api_token(self) -> str:
        return crypto.decrypt(self.token_encrypted, f"channel {self.code} API token")

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


class PullState(models.Model):
    """Where the last pull of one channel got to: the high-water mark and what happened."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="pull_state")
    high_water = models.DateTimeField(_("pulled up to"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last pull"), null=True, blank=True)
    last_ok = models.BooleanField(_("last pull succeeded"), default=True)
    last_message = models.TextField(_("last pull result"), blank=True)
    last_count = models.PositiveIntegerField(_("orders fetched"), default=0)

    class Meta:
        verbose_name = _("pull state")

    def __str__(self) -> str:
        return f"{self.channel_id} pulled to {self.high_water}"


class DeliveryKind(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    PULL = "pull", _("Pull")
    FILE = "file", _("File")
    API = "api", _("API")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")


class InboundDelivery(models.Model):
    """One thing a platform sent us, stored raw before it is processed (the inbox).

    (channel, dedupe_key) is unique, so a retry of the same delivery is recognised and stored once.
    """

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("channel"))
    kind = models.CharField(_("kind"), max_length=10, choices=DeliveryKind.choices)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    dedupe_key = models.CharField(_("delivery key"), max_length=200)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    body = models.BinaryField(_("body"), blank=True, default=b"")
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True, max_length=300)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("order"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"channel": "channel_id"}

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound delivery")
        verbose_name_plural = _("inbound deliveries")
        constraints = [models.UniqueConstraint(fields=["channel", "dedupe_key"], name="delivery_unique_key")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next")]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.kind}:{self.dedupe_key}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV (column mapping)")
    XLSX = "xlsx", _("Excel .xlsx (column mapping)")
    JSON = "json", _("JSON (column mapping)")
    TAOBAO = "taobao", _("Taobao / Tmall export (order report + item report)")
    JD = "jd", _("JD order export")


class ImportJob(models.Model):
    """A bulk import of one or two files into one channel, run in batches so that it can resume."""

    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("channel")
    )
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    files = models.JSONField(_("files"), default=list, help_text="Paths relative to MEDIA_ROOT, or absolute.")
    file_names = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True, help_text="sha256 of the files and the format.")
    delivery = models.ForeignKey(InboundDelivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    last_row = models.PositiveIntegerField(default=0, help_text="Row number the last saved batch ended on.")
    total_orders = models.PositiveIntegerField(pgettext_lazy("count", "orders"), default=0)
    processed_orders = models.PositiveIntegerField(_("orders processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    invalid = models.PositiveIntegerField(_("imported as invalid"), default=0)
    rejected = models.PositiveIntegerField(_("rejected rows"), default=0)
    rejected_rows = models.JSONField(_("rejected rows"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of the runner.")

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"channel": "channel_id"}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"import {self.pk} ({self.format})"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
