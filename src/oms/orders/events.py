"""Order events: the declared set of event types, and writing OrderEvent rows (append-only).

An event stores a type code, the statuses it moved between, what a person typed (`reason`: a note,
a hold reason; never text the system made up) and `payload`, the parameters of its message. The
label and the message are built when the event is shown, in the reader's language (`render`), so
that the timeline of an order written by an English-speaking worker reads in Chinese in the console.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from oms.core.actor import Actor


class EventType(models.TextChoices):
    """Every kind of thing that can happen to an order. record_event refuses any other code."""

    CREATED = "created", pgettext_lazy("order event", "Received")
    UPDATED = "updated", _("Updated by the platform")
    PLATFORM_UPDATE_NOT_APPLIED = (
        "platform_update_not_applied",
        _("Platform update not applied (order already past review)"),
    )
    PLATFORM_CANCEL_REFUSED = "platform_cancel_refused", _("Platform cancellation not applied (already shipped)")
    CORRECTED = "corrected", pgettext_lazy("order event", "Corrected")
    RESUBMITTED = "resubmitted", _("Checked again")
    AUTO_REVIEW = "auto_review", _("Automatic review")
    AUTO_REVIEW_OFF = "auto_review_off", _("Automatic review is off")
    REVIEW_APPROVED = "review_approved", _("Passed review, on to finance")
    APPROVED = "approved", pgettext_lazy("order event", "Approved")
    FINANCE_APPROVED = "finance_approved", _("Approved by finance")
    REJECTED = "rejected", pgettext_lazy("order event", "Rejected")
    HELD = "held", _("Put on hold")
    RELEASED = "released", _("Released from hold")
    CONFIRMED = "confirmed", pgettext_lazy("order event", "Confirmed")
    AWAITING_STOCK = "awaiting_stock", pgettext_lazy("order event", "Awaiting stock")
    STILL_AWAITING_STOCK = "still_awaiting_stock", _("Still awaiting stock")
    AUTO_CONFIRM_REFUSED = "auto_confirm_refused", _("Automatic confirmation not possible")
    CANCELLED = "cancelled", pgettext_lazy("order event", "Cancelled")
    MERGED = "merged", _("Shipped together with other orders")
    SPLIT = "split", _("Split")
    SPLIT_FROM = "split_from", _("Split from another order")
    STOCK_RESERVED = "stock_reserved", _("Stock reserved")
    ROUTING_OVERRIDDEN = "routing_overridden", _("Warehouse chosen by hand")
    STOCK_RELEASED = "stock_released", _("Stock released")
    STOCK_SHIPPED = "stock_shipped", _("Stock shipped")
    ALLOCATED = "allocated", _("Handed over to the warehouse")
    ALLOCATION_RELEASED = "allocation_released", _("Hand-over to the warehouse withdrawn")


UNKNOWN_LABEL = _("Other event")


class UndeclaredEventType(ValueError):
    """A programming error: every event type is declared in EventType."""


# The message of each type: a template filled from the event's payload, or a function of the payload
# that chooses one (None: the label says it all).
Template = Promise | Callable[[dict[str, Any]], Promise | None]
MESSAGES: dict[str, Template] = {
    EventType.PLATFORM_CANCEL_REFUSED: _("The platform cancelled the order; it is %(status)s and stays so."),
    EventType.AUTO_REVIEW: _("%(ran)s rules ran, %(fired)s fired."),
    EventType.AUTO_REVIEW_OFF: _("Automatic review is off: the order waits for a person."),
    EventType.APPROVED: lambda p: _("Passed every rule.") if p.get("automatic") else None,
    EventType.REJECTED: lambda p: _("Reason: %(code)s") if p.get("code") else None,
    EventType.HELD: lambda p: _("Held by the review rules.") if p.get("automatic") else None,
    EventType.CONFIRMED: lambda p: _("Tracking number %(tracking_number)s.") if p.get("tracking_number") else None,
    EventType.AWAITING_STOCK: _("Not enough stock: the order waits for a transfer or a receipt."),
    EventType.AUTO_CONFIRM_REFUSED: lambda p: (
        REFUSALS.get(p.get("refusal", "")) or (_("It needs a person: %(detail)s") if p.get("detail") else None)
    ),
    EventType.CANCELLED: lambda p: _("Cancelled on the platform.") if p.get("on_platform") else None,
    EventType.MERGED: _("Shipment group %(group)s: %(orders)s."),
    EventType.SPLIT: lambda p: (
        _("Split by warehouse: %(orders)s.")
        if p.get("mode") == "warehouse"
        else _("Split by availability, the rest ships later: %(orders)s.")
    ),
    EventType.SPLIT_FROM: _("Split from order %(from)s."),
    # No warehouse names: a reader limited to some warehouses must not learn of the others.
    EventType.STOCK_RESERVED: lambda p: (
        _("No single warehouse that delivers to this address has every line in stock; shipping in %(parcels)s parcels.")
        if (p.get("parcels") or 0) > 1
        else None
    ),
    EventType.STOCK_RELEASED: _("%(units)s units given back to stock."),
    EventType.STOCK_SHIPPED: _("%(units)s units left the warehouse."),
}


# Why automatic work could not go on (oms.orders.review.actions.ActionRefused codes); the problems of
# "checks_failed" are listed as the event's detail lines.
REFUSALS: dict[str, Promise] = {
    "checks_failed": _("The order no longer passes the checks."),
    "no_warehouse": _("No active warehouse delivers to %(province)s."),
    "too_heavy": _("The parcel weighs %(weight)s kg, more than the %(limit)s kg a shipment may weigh."),
}


def refusal_text(code: str, params: dict[str, Any]) -> str:
    """A refusal in the current language, its problems (if any) after it."""
    from oms.orders import rules as intake_rules

    text = str(REFUSALS[code]) % params
    problems = [intake_rules.Problem.from_dict(p).message for p in params.get("problems") or []]
    return " ".join([text, *problems])


def is_declared(type: str) -> bool:
    return type in EventType.values


def ensure_declared(type: str) -> str:
    if not is_declared(type):
        raise UndeclaredEventType(f"Order event type {type!r} is not declared in oms.orders.events.EventType")
    return type


def record_event(
    order: Any,
    *,
    type: str,
    actor: Actor,
    status_from: str = "",
    status_to: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
    public: bool = False,
) -> Any:
    """Append one event. Call inside the action's transaction so that it commits with the change.

    `type` is an EventType; `payload` holds the parameters of its message; `reason` only what a
    person typed."""
    from oms.orders.models import OrderEvent

    return OrderEvent.objects.create(
        order=order,
        type=ensure_declared(type),
        status_from=status_from,
        status_to=status_to,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_name=actor.name,
        reason=reason,
        payload=payload or {},
        public=public,
    )


# --- showing an event --------------------------------------------------------------------------


@dataclass
class Rendered:
    """An event in the reader's language: label, message, and its details as (label, value) lines."""

    label: str
    message: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # field label, before, after


def label_for(type: str) -> str:
    return str(EventType(type).label) if is_declared(type) else str(UNKNOWN_LABEL)


def message_for(type: str, payload: dict[str, Any]) -> str:
    template = MESSAGES.get(type)
    if callable(template) and not isinstance(template, Promise):
        template = template(payload)
    if template is None:
        return ""
    try:
        return str(template) % _display_params(payload)
    except (KeyError, TypeError, ValueError):
        return ""  # an old row without the parameters: the label stands alone


def render(event: Any) -> Rendered:
    payload = event.payload if isinstance(event.payload, dict) else {}
    return Rendered(
        label=label_for(event.type),
        message=message_for(event.type, payload),
        details=detail_lines(payload),
        changes=change_rows(payload),
    )


def _display_params(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's values as words: lists joined, codes as their labels."""
    from oms.orders.choices import OrderStatus
    from oms.orders.review.models import RejectReason

    out: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        out[key] = value
    if "findings" in payload:
        findings = payload.get("findings") or []
        out["ran"] = len(findings)
        out["fired"] = sum(1 for f in findings if f.get("fired"))
    if payload.get("status") in OrderStatus.values:
        out["status"] = str(OrderStatus(payload["status"]).label)
    if payload.get("code") in RejectReason.values:
        out["code"] = str(RejectReason(payload["code"]).label)
    return out


def _order_fields() -> dict[str, Any]:
    from oms.orders.models import Order

    return {f.name: f for f in Order._meta.get_fields() if hasattr(f, "verbose_name")}


def change_rows(payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """field label, before, after; a value of a field with choices (order type, payment status) as words."""
    changes = payload.get("changes")
    if not isinstance(changes, dict):
        return []
    fields = _order_fields()
    rows = []
    for name, change in changes.items():
        if not (isinstance(change, list | tuple) and len(change) == 2):
            continue
        field = fields.get(name)
        words = {str(k): str(v) for k, v in getattr(field, "flatchoices", None) or []}
        label = str(field.verbose_name) if field is not None else gettext("Other field")
        rows.append((label, words.get(str(change[0]), str(change[0])), words.get(str(change[1]), str(change[1]))))
    return rows


def detail_lines(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """The payload parts a person reads, as (label, value) lines; bookkeeping keys are left out."""
    from oms.orders import rules as intake_rules
    from oms.orders.review import rules as review_rules

    lines: list[tuple[str, str]] = []
    old_lines = payload.get("lines")
    if isinstance(old_lines, dict) and old_lines:
        before, after = len(old_lines.get("before") or []), len(old_lines.get("after") or [])
        lines.append((gettext("Lines changed"), f"{before} → {after}"))
    for p in payload.get("problems") or []:
        if isinstance(p, dict):
            lines.append((gettext("Problem"), intake_rules.Problem.from_dict(p).message))
    outcomes = dict(review_rules.OUTCOMES)
    for data in payload.get("findings") or []:
        if not isinstance(data, dict):
            continue
        finding = review_rules.Finding.from_dict(data)
        if finding.fired:
            kind = review_rules.KINDS.get(finding.kind)
            name = str(kind[0]) if kind else gettext("Review rule")
            verdict = str(outcomes.get(finding.outcome, ""))
            lines.append((f"{name} ({verdict})" if verdict else name, "；".join(finding.messages)))
    if payload.get("outcome") in outcomes:
        lines.append((gettext("Outcome"), str(outcomes[payload["outcome"]])))
    if payload.get("classes"):
        lines.append((gettext("Classes"), "、".join(class_labels(payload["classes"]))))
    release_at = payload.get("release_at")
    if release_at:
        lines.append((gettext("Automatic release"), _when(release_at)))
    shortages = payload.get("shortages")
    if isinstance(shortages, dict) and shortages:
        lines.append((gettext("Short"), "、".join(_shortage_text(shortages))))
    return lines


def class_labels(codes: list[str]) -> list[str]:
    from oms.orders import rules as intake_rules
    from oms.orders.models import ClassificationRule

    others = [c for c in codes if c not in intake_rules.CLASS_WORDS]
    names = dict(ClassificationRule.objects.filter(label__in=others).values_list("label", "name")) if others else {}
    return [intake_rules.class_label(c, names) for c in codes]


def _when(value: str) -> str:
    from datetime import datetime

    from django.utils import timezone

    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "Y-m-d H:i")


def _shortage_text(shortages: dict[str, Any]) -> list[str]:
    from oms.inventory.models import Product

    ids = [int(k) for k in shortages if str(k).isdigit()]
    skus = dict(Product.objects.filter(pk__in=ids).values_list("pk", "sku"))
    return [f"{skus.get(int(k), k) if str(k).isdigit() else k} × {q}" for k, q in shortages.items()]
