"""Order statuses, types and event kinds, with the colour each shows in the console."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
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
