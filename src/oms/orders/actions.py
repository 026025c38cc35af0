"""Order use cases: the only code that changes an order's state (intake is in orders.intake).

Each action locks the order, checks the workflow guard and the version the person edited, writes
its event in the same transaction, and defers side effects to transaction.on_commit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from oms.core.actor import Actor
from oms.orders import hooks, intake, rules, transitions, workflow
from oms.orders.choices import OrderStatus
from oms.orders.events import record_event
from oms.orders.intake import IngestResult, ingest, ingest_many  # noqa: F401  (re-exported: intake actions)
from oms.orders.models import Order, OrderLine

# Fields a clerk may correct, with how each is cleaned.
EDITABLE_FIELDS = [
    "customer_name",
    "customer_phone",
    "customer_email",
    "customer_id_card",
    "province",
    "city",
    "district",
    "address_detail",
    "postcode",
    "address_raw",
    "buyer_note",
    "seller_note",
    "order_type",
    "goods_amount",
    "shipping_amount",
    "discount_amount",
    "tax_amount",
    "taxes_included",
    "total_amount",
    "paid_amount",
    "payment_method",
    "payment_status",
    "external_number",
]
LINE_FIELDS = ["platform_sku", "sku", "name", "spec", "quantity", "unit_price", "line_total"]


class StaleVersion(Exception):
    """The person edited an older version of the order than the one held now."""

    def __init__(self, order: Order) -> None:
        self.order = order
        super().__init__(
            _(
                "Order %(number)s was changed by someone else while you were editing it. "
                "Reload it to see the current version, then make your change again."
            )
            % {"number": order.number}
        )


def lock_order(order_id: int) -> Order:
    """The order with a row lock (PostgreSQL); SQLite's IMMEDIATE transaction serialises writers."""
    return Order.objects.select_for_update().select_related("channel").get(pk=order_id)


def _check_version(order: Order, version: int | None) -> None:
    if version is not None and int(version) != order.version:
        raise StaleVersion(order)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def correct_order(
    *,
    order_id: int,
    actor: Actor,
    version: int | None,
    changes: dict[str, Any],
    lines: list[dict[str, Any]] | None = None,
    note: str = "",
) -> Order:
    """Apply a clerk's corrections (fields and, if given, the whole list of lines).

    Every changed field is recorded with its value before and after. Checks run again on resubmit.
    """
    order = lock_order(order_id)
    workflow.ensure_action(order.status, "resubmit_order", workflow.roles_of(actor))
    _check_version(order, version)
    diff: dict[str, list[str]] = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            continue
        old = getattr(order, name)
        if isinstance(old, Decimal):
            value = rules.money(value)
        elif value is None:
            value = ""
        if _text(old) != _text(value):
            diff[name] = [_text(old), _text(value)]
            setattr(order, name, value)
    line_diff: dict[str, Any] = {}
    if lines is not None:
        held = list(order.lines.all())
        before = [{f: _text(getattr(ln, f)) for f in LINE_FIELDS} for ln in held]
        cleaned = [_clean_line(raw) for raw in lines if _has_content(raw)]
        after = [{f: _text(ln[f]) for f in LINE_FIELDS} for ln in cleaned]
        if before != after:
            line_diff = {"before": before, "after": after}
            order.lines.all().delete()
            OrderLine.objects.bulk_create(
                OrderLine(order=order, line_no=n, product_id=None, **ln) for n, ln in enumerate(cleaned, start=1)
            )
    if not diff and not line_diff:
        return order
    order.version += 1
    order.classes = rules.classify(intake.load_rules(), intake.facts_for(order, order.channel))
    order.save()
    record_event(
        order,
        type="corrected",
        actor=actor,
        reason=note,
        payload={"changes": diff, "lines": line_diff, "version": order.version},
    )
    return order


def _has_content(raw: dict[str, Any]) -> bool:
    return any(_text(raw.get(f)).strip() for f in ("platform_sku", "sku", "name"))


def _clean_line(raw: dict[str, Any]) -> dict[str, Any]:
    quantity = int(raw.get("quantity") or 0)
    unit = rules.money(raw.get("unit_price"))
    total = raw.get("line_total")
    return {
        "platform_sku": _text(raw.get("platform_sku")).strip()[:100],
        "sku": _text(raw.get("sku")).strip()[:100],
        "name": (_text(raw.get("name")).strip() or _text(raw.get("sku")).strip())[:300],
        "spec": _text(raw.get("spec")).strip()[:300],
        # the form refuses values beyond the columns; whatever else calls this stores 0 rather
        # than a value the database cannot hold, and the checks on resubmit name the mismatch
        "quantity": rules.stored_quantity(quantity),
        "unit_price": rules.stored_amount(unit),
        "line_total": rules.stored_amount(rules.money(total) if _text(total).strip() else rules.cents(unit * quantity)),
    }


@transaction.atomic
def resubmit_order(*, order_id: int, actor: Actor, version: int | None = None) -> Order:
    """Run every check again; without problems the order goes to "pending review", else it stays
    (or goes back to) "invalid" with the problems listed."""
    order = lock_order(order_id)
    roles = workflow.roles_of(actor)
    workflow.ensure_action(order.status, "resubmit_order", roles)
    _check_version(order, version)
    problems = intake.recheck(order, actor)
    before = order.status
    target = OrderStatus.INVALID if problems else OrderStatus.PENDING_REVIEW
    if target != before:
        transitions.move(order, target, action="resubmit_order", who=roles)
    order.version += 1
    order.save()
    record_event(
        order,
        type="resubmitted",
        actor=actor,
        status_from=before if target != before else "",
        status_to=target if target != before else "",
        payload={"problems": order.problems},
    )
    if target == OrderStatus.PENDING_REVIEW:
        intake.clear_intake_alert(order, actor)
        transaction.on_commit(lambda: hooks.fire_pending_review(order.pk))
    else:  # opened, or the open one's problems brought up to date
        intake.raise_intake_alert(order, actor)
    return order


# --- the warehouse's hand-over ----------------------------------------------------------------


@transaction.atomic
def allocate_order(*, order_id: int, actor: Actor, version: int | None = None) -> Order:
    """The warehouse takes a confirmed order for picking: its reserved stock is now spoken for by
    people on the floor, so the order no longer merges, splits or re-routes (ALLOCATED)."""
    return _hand_over(order_id, actor, version, OrderStatus.ALLOCATED, "allocate_order", "allocated")


@transaction.atomic
def release_allocation(*, order_id: int, actor: Actor, version: int | None = None) -> Order:
    """The warehouse hands a not yet shipped order back (picking stopped): confirmed again."""
    return _hand_over(order_id, actor, version, OrderStatus.CONFIRMED, "release_allocation", "allocation_released")


def _hand_over(order_id: int, actor: Actor, version: int | None, target: str, action: str, event: str) -> Order:
    order = lock_order(order_id)
    before = order.status
    transitions.move(order, target, action=action, who=workflow.roles_of(actor))
    _check_version(order, version)
    order.version += 1
    order.save(update_fields=[*transitions.STATUS_FIELDS, "version", "updated_at"])
    record_event(order, type=event, actor=actor, status_from=before, status_to=target)
    return order
