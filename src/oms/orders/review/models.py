"""Review and confirmation records (app label "orders"; imported by orders.models).

ReviewRule/Blacklist are the administrator's rule set; OrderReview holds an order's latest rule
findings and review state; OrderHold each hold with its optional automatic release; MergeGroup
the orders shipped together. What an order awaiting stock lacks is a "stock_shortage" alert
(oms.monitoring), resolved when the order is confirmed or cancelled.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oms.orders.review.rules import KINDS, OUTCOMES


class RejectReason(models.TextChoices):
    ADDRESS = "address", _("Address wrong or incomplete")
    CUSTOMER = "customer", _("Customer details wrong")
    PAYMENT = "payment", _("Payment problem")
    PRICE = "price", _("Price or amount wrong")
    ITEMS = "items", _("Items or quantities wrong")
    DUPLICATE = "duplicate", _("Duplicate order")
    FRAUD = "fraud", _("Suspected fraud")
    RULE = "rule", _("Refused by a review rule")
    OTHER = "other", _("Other")


class ReviewRule(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("check"), max_length=30, choices=[(k, v[0]) for k, v in KINDS.items()])
    description = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh_hans = models.CharField(_("description (Simplified Chinese)"), max_length=300, blank=True)
    description_zh_hant = models.CharField(_("description (Traditional Chinese)"), max_length=300, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=OUTCOMES)
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveIntegerField(_("position"), default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("review rule")
        verbose_name_plural = _("review rules")

    def __str__(self) -> str:
        return self.code

    def localized_description(self) -> str:
        """The description in the current language: an administrator's own text, else the
        translated built-in one (its English text is a message id)."""
        lang = (translation.get_language() or "en").lower()
        if lang.startswith("zh-hant") and self.description_zh_hant:
            return self.description_zh_hant
        if lang.startswith("zh") and not lang.startswith("zh-hant") and self.description_zh_hans:
            return self.description_zh_hans
        return gettext(self.description) if self.description else ""


class BlacklistKind(models.TextChoices):
    NAME = "name", _("Customer name")
    PHONE = "phone", _("Phone")
    ADDRESS = "address", _("Address")


class BlacklistEntry(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=BlacklistKind.choices)
    value = models.CharField(_("value"), max_length=300)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="blacklist_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class OrderReview(models.Model):
    """An order's review state: the latest rule findings, whether finance must approve, the last
    rejection, and the order it was split from."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="review")
    findings = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=20, blank=True)
    needs_finance = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reject_code = models.CharField(_("reason"), max_length=20, choices=RejectReason.choices, blank=True)
    reject_text = models.TextField(_("explanation"), blank=True)
    split_from = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="split_children"
    )

    class Meta:
        verbose_name = _("order review")
        permissions = [
            ("review_order", _("Can approve or reject orders (first review stage)")),
            ("finance_review_order", _("Can approve or reject orders in finance review")),
            ("hold_order", _("Can hold and release orders")),
            ("confirm_order", _("Can confirm orders")),
            ("cancel_order", _("Can cancel orders")),
            ("merge_split_order", _("Can merge and split orders")),
        ]

    def __str__(self) -> str:
        return f"review {self.order_id}"


class OrderHold(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="holds")
    reason = models.TextField(_("reason"))
    held_from = models.CharField(max_length=20)
    release_at = models.DateTimeField(_("release automatically at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hold")

    def __str__(self) -> str:
        return f"hold {self.order_id}"


class MergeGroup(models.Model):
    """Orders shipped as one parcel; each order keeps its own number, lines and timeline."""

    number = models.CharField(_("group"), max_length=30, unique=True)
    channel = models.ForeignKey("channels.Channel", on_delete=models.PROTECT, related_name="+")
    shop = models.CharField(max_length=200, blank=True)
    orders = models.ManyToManyField("orders.Order", related_name="merge_groups", blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("merge group")

    def __str__(self) -> str:
        return self.number
