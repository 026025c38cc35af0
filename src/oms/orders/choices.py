"""Order statuses, types and event kinds, with the colour each shows in the console."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("order status", "Received")
    INVALID = "invalid", _("Invalid (needs correction)")
    PENDING_REVIEW = "pending_review", _("Pending review")
    PENDING_FINANCE = "pending_finance", _("Pending finance review")
    ON_HOLD = "on_hold", _("On hold")
    REJECTED = "rejected", _("Rejected (returned for correction)")
    APPROVED = "approved", _("Approved")
    AWAITING_STOCK = "awaiting_stock", _("Awaiting stock")
    CONFIRMED = "confirmed", _("Confirmed")
    ALLOCATED = "allocated", _("Allocated")
    SHIPPED = "shipped", _("Shipped")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Closed")


STATUS_COLOURS = {
    OrderStatus.RECEIVED: "secondary",
    OrderStatus.INVALID: "danger",
    OrderStatus.PENDING_REVIEW: "warning",
    OrderStatus.PENDING_FINANCE: "warning",
    OrderStatus.ON_HOLD: "dark",
    OrderStatus.REJECTED: "danger",
    OrderStatus.APPROVED: "info",
    OrderStatus.AWAITING_STOCK: "warning",
    OrderStatus.CONFIRMED: "primary",
    OrderStatus.ALLOCATED: "primary",
    OrderStatus.SHIPPED: "success",
    OrderStatus.IN_TRANSIT: "success",
    OrderStatus.OUT_FOR_DELIVERY: "success",
    OrderStatus.DELIVERED: "success",
    OrderStatus.CANCELLED: "secondary",
    OrderStatus.CLOSED: "secondary",
}


class OrderType(models.TextChoices):
    NORMAL = "normal", _("Normal")
    PRESALE = "presale", _("Pre-sale")
    URGENT = "urgent", _("Urgent")
    COD = "cod", _("Cash on delivery")
    EXCHANGE = "exchange", _("Exchange")
    RESHIPMENT = "reshipment", _("Reshipment")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


# How an order arrived (Order.source): a delivery kind, the API, the console, a split, the demo.
SOURCES = {
    "webhook": _("Platform push (webhook)"),
    "pull": _("Pulled from the platform"),
    "file": _("File import"),
    "api": _("REST API"),
    "manual": _("Entered by hand"),
    "split": _("Split from another order"),
    "demo": _("Demo data"),
}
# Payment methods we know by code; any other is shown as the platform wrote it.
PAYMENT_METHODS = {
    "alipay": _("Alipay"),
    "wechat": _("WeChat Pay"),
    "card": _("Bank card"),
    "cod": _("Cash on delivery"),
    "cash_on_delivery": _("Cash on delivery"),
}


def source_label(code: str) -> str:
    word = SOURCES.get(code)
    return str(word) if word is not None else code


def payment_method_label(code: str) -> str:
    word = PAYMENT_METHODS.get((code or "").strip().lower())
    return str(word) if word is not None else code
