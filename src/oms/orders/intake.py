"""Order intake: the one door every order comes in by (webhooks, pulls, files, API, manual entry).

`ingest` / `ingest_many` normalise an IncomingOrder, map platform SKUs, check, classify, and create
or update the Order, its lines and its events, deduplicated on (channel, external_id). Nothing is
dropped: an order with problems is kept in "invalid" with the problems listed and an alert.

ingest_many is built for bulk imports: one transaction per batch, a handful of queries per batch
(existing orders, SKU mappings, products, duplicates), bulk_create for new orders, lines, events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from oms.core import sequences, validators
from oms.core.actor import Actor
from oms.monitoring import actions as alerts_actions
from oms.monitoring.kinds import AlertKind
from oms.monitoring.subjects import Subject
from oms.orders import hooks, rules, transitions, workflow
from oms.orders.bulk import Row, insert_rows, new_instance, select_where_in
from oms.orders.choices import OrderStatus, OrderType, PaymentStatus
from oms.orders.events import ensure_declared
from oms.orders.models import (
    ClassificationRule,
    Order,
    OrderEvent,
    OrderLine,
)
from oms.orders.rules import Draft, DraftLine, Problem

BATCH_SIZE = 500
# Django's Choices.values builds a new list on every access: look them up once.
ORDER_TYPES = frozenset(OrderType.values)
PAYMENT_STATUSES = frozenset(PaymentStatus.values)

# Order statuses in which a platform update still changes the order; later it is only recorded.
EDITABLE = {OrderStatus.RECEIVED, OrderStatus.INVALID, OrderStatus.PENDING_REVIEW, OrderStatus.REJECTED}
SHIPPED_OR_LATER = {
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELIVERED,
    OrderStatus.CLOSED,
}


@dataclass
class IngestResult:
    order: Order | None
    outcome: str  # "created" | "updated" | "unchanged" | "stale" | "cancelled"
    problems: list[Problem] = field(default_factory=list)


def ingest(*, channel: Any, incoming: Any, actor: Actor, source: str, delivery_id: int | None = None) -> IngestResult:
    """Create or update one order from a platform's canonical IncomingOrder."""
    return ingest_many(channel=channel, incomings=[incoming], actor=actor, source=source, delivery_id=delivery_id)[0]


def ingest_many(
    *,
    channel: Any,
    incomings: Sequence[Any],
    actor: Actor,
    source: str,
    delivery_id: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[IngestResult]:
    """Same semantics as `ingest`, for many orders of one channel; results in input order."""
    ctx = Context(channel, actor, source, delivery_id)
    return store_many(ctx, prepare_all(ctx, incomings), batch_size=batch_size)


def prepare_all(ctx: Context, incomings: Sequence[Any]) -> list[Prepared]:
    """Normalise, map, check and classify: everything that needs no write (so it can run in
    another process than the writes; see channels.import_pipeline)."""
    ctx.map_skus(ln.platform_sku for inc in incomings for ln in inc.lines)
    return [prepare(ctx, inc) for inc in incomings]


def store_many(ctx: Context, prepared: Sequence[Prepared], *, batch_size: int = BATCH_SIZE) -> list[IngestResult]:
    """Write prepared orders in batches; results in input order. A repeated external id starts a
    new batch, so a later delivery of the same order applies after the earlier one."""
    results: list[IngestResult] = []
    batch: list[Prepared] = []
    seen: set[str] = set()
    for p in prepared:
        if p.external_id in seen or len(batch) >= batch_size:
            results.extend(store(ctx, batch))
            batch, seen = [], set()
        batch.append(p)
        seen.add(p.external_id)
    if batch:
        results.extend(store(ctx, batch))
    return results


# --- context shared by the batches of one call ------------------------------------------------


class Context:
    """What every batch of one intake call shares: channel, actor, parameters, rules, SKU map."""

    def __init__(self, channel: Any, actor: Actor, source: str, delivery_id: int | None) -> None:
        from oms.system import params

        self.channel = channel
        self.actor = actor
        self.source = source[:20]
        self.delivery_id = delivery_id
        self.roles = workflow.roles_of(actor)
        self.tolerance = Decimal(str(params.get("workflow.amount_tolerance")))
        self.require_id_card = bool(params.get("workflow.require_id_card"))
        self.window = timedelta(hours=int(params.get("workflow.duplicate_window_hours")))
        self.rules = load_rules()
        self.sku_cache: dict[str, tuple[int, str, int] | None] = {}
        self.allowed: set[str] = set()  # statuses a new order may enter for this actor (checked once)
        # Classes depend on a handful of facts that repeat across orders: classify each mix once.
        self.class_cache: dict[tuple[Any, ...], list[str]] = {}

    def classes_for(self, values: dict[str, Any]) -> list[str]:
        tags = values["tags"]
        key = (values["total_amount"], values["order_type"], tuple(tags), values["province"])
        found = self.class_cache.get(key)
        if found is None:
            found = self.class_cache[key] = rules.classify(self.rules, facts_from(values, self.channel))
            if len(self.class_cache) > 50_000:  # amounts vary without end in a long import
                self.class_cache.clear()
        return list(found)

    def map_skus(self, platform_skus: Iterable[str]) -> None:
        """Fill the cache: platform SKU -> (product id, our SKU, units per platform unit) or None."""
        from oms.channels.models import SkuMapping
        from oms.inventory.models import Product

        wanted = {s for s in platform_skus if s and s not in self.sku_cache}
        if not wanted:
            return
        for ps, pid, sku, qty in SkuMapping.objects.filter(channel=self.channel, platform_sku__in=wanted).values_list(
            "platform_sku", "product_id", "product__sku", "quantity"
        ):
            self.sku_cache[ps] = (pid, sku, qty or 1)
        rest = wanted - self.sku_cache.keys()
        if rest:
            for pid, sku in Product.objects.filter(sku__in=rest).values_list("pk", "sku"):
                self.sku_cache[sku] = (pid, sku, 1)
        for s in wanted - self.sku_cache.keys():
            self.sku_cache[s] = None


def load_rules() -> list[rules.RuleSpec]:
    return [
        rules.RuleSpec(r.field, r.operator, r.value, r.label)
        for r in ClassificationRule.objects.filter(active=True).order_by("position", "pk")
    ]


def facts_for(order: Order, channel: Any) -> dict[str, Any]:
    return facts_from(order.__dict__, channel)


def facts_from(values: dict[str, Any], channel: Any) -> dict[str, Any]:
    """What classification rules look at, from an order's field values."""
    return {
        "amount": values["total_amount"],
        "channel": channel.code,
        "platform": channel.platform,
        "order_type": values["order_type"],
        "tags": list(values["tags"] or []),
        "province": values["province"],
    }


# --- normalising ------------------------------------------------------------------------------


def _clip(value: Any, size: int) -> str:
    return ("" if value is None else str(value)).strip()[:size]


# Beyond every integer column, and still cheap to carry and print (a quantity of 1e999999 would
# otherwise become an integer of a million digits).
_QUANTITY_CAP = 10**30


def _quantity(value: Any) -> int:
    """An integer quantity; anything unreadable becomes 0, which the quantity check then reports.
    A quantity beyond a database integer is kept here for check_ranges to report and is stored
    as 0 (the order is kept, never crashes intake)."""
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except (ArithmeticError, ValueError):
        return 0
    if not number.is_finite():
        return 0
    if abs(number) >= _QUANTITY_CAP:
        return _QUANTITY_CAP if number > 0 else -_QUANTITY_CAP
    return int(number)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


@dataclass
class Prepared:
    """One order ready to store: plain values only (it may cross a process boundary)."""

    external_id: str
    cancelled: bool
    updated_at: datetime | None  # the platform's last change, aware
    values: dict[str, Any]  # Order field values
    line_values: list[dict[str, Any]]  # OrderLine field values, without the order
    problems: list[Problem]
    classes: list[str]
    source_hash: str
    content_key: str


def prepare(ctx: Context, incoming: Any) -> Prepared:
    """Normalise one IncomingOrder into Order values, mapped lines and the checks' problems."""
    addr = incoming.address
    name = rules.normalise_name(incoming.customer_name or addr.name)
    phone = rules.normalise_phone(incoming.customer_phone or addr.phone)
    resolved, detail = rules.resolve_address(addr.province, addr.city, addr.district, addr.detail, addr.raw)
    lines: list[DraftLine] = []
    for ln in incoming.lines:
        unit = rules.money(ln.unit_price)
        qty = _quantity(ln.quantity)
        total = rules.money(ln.line_total) if ln.line_total is not None else rules.cents(unit * qty)
        mapped = ctx.sku_cache.get(ln.platform_sku or "")
        lines.append(
            DraftLine(
                platform_sku=_clip(ln.platform_sku, 100),
                name=_clip(ln.name, 300) or _clip(ln.platform_sku, 300),
                quantity=qty,
                unit_price=unit,
                line_total=total,
                sku=mapped[1] if mapped else "",
                product_id=mapped[0] if mapped else None,
                spec=_clip(ln.spec, 300),
                external_line_id=_clip(ln.external_line_id, 100),
            )
        )
    lines_sum = sum((ln.line_total for ln in lines), rules.ZERO)
    goods = rules.money(incoming.goods_amount) if incoming.goods_amount is not None else lines_sum
    shipping = rules.money(incoming.shipping_amount)
    discount = rules.money(incoming.discount_amount)
    tax = rules.money(incoming.tax_amount)
    taxes_included = bool(incoming.taxes_included)
    if incoming.total_amount is not None:
        total = rules.money(incoming.total_amount)
    else:
        total = goods + shipping - discount + (rules.ZERO if taxes_included else tax)
    order_type = incoming.order_type if incoming.order_type in ORDER_TYPES else OrderType.NORMAL
    draft = Draft(
        customer_name=name,
        customer_phone=phone,
        customer_id_card=_clip(incoming.customer_id_card, 30).upper(),
        province=resolved.province if resolved else addr.province,
        city=resolved.city if resolved else addr.city,
        district=resolved.district if resolved else addr.district,
        address_detail=detail,
        address_raw=addr.raw,
        address_resolved=resolved is not None,
        order_type=order_type,
        payment_method=incoming.payment_method or "",
        tags=[str(t) for t in incoming.tags],
        lines=lines,
        goods_amount=goods,
        shipping_amount=shipping,
        discount_amount=discount,
        total_amount=total,
        paid_amount=rules.money(incoming.paid_amount),
        tax_amount=tax,
        taxes_included=taxes_included,
    )
    problems = rules.check_all(draft, tolerance=ctx.tolerance, require_id_card=ctx.require_id_card)
    problems += _pack_problems(lines, ctx.sku_cache)
    goods, shipping, discount, tax, total = (rules.stored_amount(v) for v in (goods, shipping, discount, tax, total))
    raw_line = addr.raw or " ".join(x for x in (addr.province, addr.city, addr.district, addr.detail) if x)
    values = {
        "shop": _clip(incoming.shop or ctx.channel.shop, 200),
        "external_number": _clip(incoming.external_number, 100),
        "order_type": order_type,
        "tags": draft.tags,
        "customer_name": name[:200],
        "customer_phone": phone[:40],
        "customer_email": _clip(incoming.customer_email, 254),
        "customer_id_card": draft.customer_id_card,
        "buyer_id": _clip(incoming.buyer_id, 200),
        "country": _clip(addr.country or "CN", 2).upper(),
        "province": _clip(draft.province, 50),
        "city": _clip(draft.city, 50),
        "district": _clip(draft.district, 50),
        "address_detail": _clip(detail, 500),
        "postcode": _clip(addr.postcode, 20),
        "address_raw": raw_line,
        "buyer_note": incoming.buyer_note or "",
        "seller_note": incoming.seller_note or "",
        "currency": _clip(incoming.currency or "CNY", 3).upper(),
        "goods_amount": goods,
        "shipping_amount": shipping,
        "discount_amount": discount,
        "total_amount": total,
        "paid_amount": rules.stored_amount(draft.paid_amount),
        "tax_amount": tax,
        "taxes_included": taxes_included,
        "payment_method": _clip(incoming.payment_method, 50),
        "payment_status": incoming.payment_status
        if incoming.payment_status in PAYMENT_STATUSES
        else PaymentStatus.UNPAID,
        "transaction_id": _clip(incoming.transaction_id, 100),
        "placed_at": _aware(incoming.placed_at),
        "paid_at": _aware(incoming.paid_at),
    }
    # repr of plain values (str, Decimal, datetime, list) is unambiguous and several times cheaper
    # than JSON; the key order of `values` is fixed by the code above.
    fingerprint = repr(
        (
            tuple(values.values()),
            [(ln.platform_sku, ln.name, ln.spec, ln.quantity, ln.unit_price, ln.line_total) for ln in lines],
            bool(incoming.cancelled),
        )
    )
    content_key = rules.content_signature(
        phone, draft.province, draft.city, draft.district, detail, [(ln.platform_sku, ln.quantity) for ln in lines]
    )
    return Prepared(
        external_id=_clip(incoming.external_id, 100),
        cancelled=bool(incoming.cancelled),
        updated_at=_aware(incoming.updated_at),
        values=values,
        line_values=line_values(lines, ctx.sku_cache),
        problems=problems,
        classes=ctx.classes_for(values),
        source_hash=hashlib.sha256(fingerprint.encode()).hexdigest(),
        content_key=content_key,
    )


def _pack_problems(lines: list[DraftLine], sku_cache: dict[str, Any]) -> list[Problem]:
    """A quantity within range on the platform that goes beyond it once packs become our units."""
    found = []
    for n, ln in enumerate(lines, start=1):
        mapped = sku_cache.get(ln.platform_sku)
        units = mapped[2] if mapped else 1
        if validators.int_fits(ln.quantity) and not validators.int_fits(ln.quantity * units):
            found.append(
                Problem(
                    "quantity_out_of_range",
                    f"lines.{n}",
                    {"line": n, "quantity": ln.quantity * units, "max": validators.INT_MAX},
                )
            )
    return found


def line_values(lines: list[DraftLine], sku_cache: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's lines as OrderLine field values (without the order), within their columns: an
    amount or quantity beyond them is stored as 0 (check_ranges has reported it)."""
    out = []
    for n, ln in enumerate(lines, start=1):
        mapped = sku_cache.get(ln.platform_sku)
        units = mapped[2] if mapped else 1
        out.append(
            {
                "line_no": n,
                "platform_sku": ln.platform_sku,
                "product_id": ln.product_id,
                "sku": ln.sku,
                "name": ln.name,
                "spec": ln.spec,
                # A platform listing may sell a pack: store our units; the line total stays the same.
                "quantity": rules.stored_quantity(ln.quantity * units),
                "unit_price": rules.stored_amount(rules.cents(ln.unit_price / units) if units > 1 else ln.unit_price),
                "line_total": rules.stored_amount(ln.line_total),
                "external_line_id": ln.external_line_id,
            }
        )
    return out


def next_numbers(count: int) -> list[str]:
    """Reserve `count` order numbers as one block (inside the caller's transaction)."""
    if count <= 0:
        return []
    return [f"SO{n:08d}" for n in sequences.allocate("order", count)]


# --- duplicates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DupKey:
    external_id: str
    external_number: str
    placed_at: datetime | None
    content_key: str
    has_lines: bool


def duplicate_problems(ctx: Context, keys: list[DupKey], exclude_ids: set[str]) -> dict[int, list[Problem]]:
    """Problems per index for orders duplicating one already held (or one earlier in `keys`)."""
    found: dict[int, list[Problem]] = {}
    numbers = {k.external_number for k in keys if k.external_number}
    held_numbers: dict[str, str] = {}
    not_cancelled = {"status": OrderStatus.CANCELLED}
    if numbers:
        # By external number alone, channel and status checked here: with a channel condition in the
        # query, SQLite may walk the channel's whole index instead of the external number's.
        for ext_no, ext_id, number, channel_id, status in select_where_in(
            Order,
            ["external_number", "external_id", "number", "channel", "status"],
            "external_number",
            sorted(numbers),
        ):
            if channel_id == ctx.channel.pk and status != OrderStatus.CANCELLED and ext_id not in exclude_ids:
                held_numbers.setdefault(ext_no, number)
    held_content: dict[str, list[tuple[str, str, datetime]]] = {}
    if ctx.window.total_seconds() > 0:
        for key, ext_id, number, placed, created in select_where_in(
            Order,
            ["content_key", "external_id", "number", "placed_at", "created_at"],
            "content_key",
            sorted({k.content_key for k in keys}),
            exclude=not_cancelled,
        ):
            held_content.setdefault(key, []).append((ext_id, number, placed or created))
    now = timezone.now()
    seen_numbers: dict[str, str] = {}
    seen_content: dict[str, list[tuple[str, str, datetime]]] = {}
    for i, k in enumerate(keys):
        mine: list[Problem] = []
        other = (
            (held_numbers.get(k.external_number) or seen_numbers.get(k.external_number)) if k.external_number else None
        )
        if other:
            mine.append(Problem("duplicate_external_number", "external_number", {"other": other}))
        when = k.placed_at or now
        if ctx.window.total_seconds() > 0 and k.has_lines:
            for other_id, other_number, other_when in held_content.get(k.content_key, []) + seen_content.get(
                k.content_key, []
            ):
                if other_id != k.external_id and abs(when - other_when) <= ctx.window:
                    mine.append(Problem("duplicate_content", "", {"other": other_number}))
                    break
        if mine:
            found[i] = mine
        if k.external_number:
            seen_numbers.setdefault(k.external_number, k.external_id)
        seen_content.setdefault(k.content_key, []).append((k.external_id, k.external_id, when))
    return found


# --- one batch --------------------------------------------------------------------------------


def store(ctx: Context, prepared: list[Prepared]) -> list[IngestResult]:
    """Create or update one batch of prepared orders (distinct external ids) in one transaction."""
    ids = [p.external_id for p in prepared]
    results: list[IngestResult | None] = [None] * len(prepared)
    pending_review: list[int] = []
    # No savepoint when called inside a transaction (an import's batch): SQLite copies every page a
    # savepoint's statements touch, which doubled the cost of inserting orders. An error here
    # aborts the caller's transaction, which the importer then retries order by order.
    with transaction.atomic(savepoint=False):
        # Which ids we hold, by one plain query; only those orders are loaded (and locked).
        held = select_where_in(Order, ["id"], "external_id", ids, where={"channel": ctx.channel.pk})
        existing = (
            {o.external_id: o for o in Order.objects.select_for_update().filter(pk__in=[pk for (pk,) in held])}
            if held
            else {}
        )
        keys = [
            DupKey(ids[i], p.values["external_number"], p.values["placed_at"], p.content_key, bool(p.line_values))
            for i, p in enumerate(prepared)
        ]
        dupes = duplicate_problems(ctx, keys, set(ids))
        for i, p in enumerate(prepared):
            p.problems.extend(dupes.get(i, []))
        new_index = [i for i, ext in enumerate(ids) if ext not in existing]
        numbers = next_numbers(len(new_index))
        to_create: list[Order] = []
        for number, i in zip(numbers, new_index, strict=True):
            p = prepared[i]
            order = intake_order(ctx, p, ids[i], number)
            to_create.append(order)
        insert_rows(Order, to_create)
        if to_create:  # the ids, by the unique (channel, external_id) just written
            pks = dict(
                select_where_in(
                    Order,
                    ["external_id", "id"],
                    "external_id",
                    [o.external_id for o in to_create],
                    where={"channel": ctx.channel.pk},
                )
            )
            for order in to_create:
                order.pk = pks[order.external_id]
                order._state.adding = False
        new_lines: list[dict[str, Any]] = []
        new_events: list[Row] = []
        alerts: list[alerts_actions.Raise] = []
        for order, i in zip(to_create, new_index, strict=True):
            p = prepared[i]
            pk = order.pk
            for lv in p.line_values:
                lv["order_id"] = pk
            new_lines.extend(p.line_values)
            new_events.append(
                _event(
                    ctx,
                    order,
                    "created",
                    OrderStatus.RECEIVED,
                    order.status,
                    {"problems": [pr.as_dict() for pr in p.problems], "classes": order.classes},
                )
            )
            if order.status == OrderStatus.INVALID:
                alerts.append(intake_alert(order))
            elif order.status == OrderStatus.PENDING_REVIEW:
                pending_review.append(order.pk)
            results[i] = IngestResult(order, "created", p.problems)
        insert_rows(OrderLine, new_lines)
        for i, ext in enumerate(ids):
            if ext in existing:
                results[i] = _apply_to_existing(ctx, existing[ext], prepared[i], new_events, alerts, pending_review)
        insert_rows(OrderEvent, new_events)
        alerts_actions.raise_many(AlertKind.INTAKE_PROBLEMS, alerts, actor=ctx.actor)
        if pending_review:
            waiting = list(pending_review)
            transaction.on_commit(lambda: _fire_all(waiting))
    return [r for r in results if r is not None]


def intake_alert(order: Order) -> alerts_actions.Raise:
    """The "arrived with problems" alert of an invalid order (problem codes only: their parameters can
    hold the customer's data, which the order keeps)."""
    return alerts_actions.Raise(
        Subject.of(order),
        {"number": order.number, "problems": [p.get("code", "") for p in order.problems]},
        channel_id=order.channel_id,
    )


def raise_intake_alert(order: Order, actor: Actor) -> None:
    r = intake_alert(order)
    alerts_actions.raise_alert(
        AlertKind.INTAKE_PROBLEMS, r.subject, params=r.params, actor=actor, channel_id=r.channel_id
    )


def clear_intake_alert(order: Order, actor: Actor) -> None:
    alerts_actions.clear(AlertKind.INTAKE_PROBLEMS, Subject.of(order), actor=actor)


def _fire_all(order_ids: list[int]) -> None:
    hooks.fire_pending_review_batch(order_ids)


def _target_status(problems: list[Problem]) -> str:
    return OrderStatus.INVALID if problems else OrderStatus.PENDING_REVIEW


def intake_order(ctx: Context, p: Prepared, external_id: str, number: str) -> Order:
    """A new order (not saved): its first status, "pending review" or "invalid" by its problems (or
    "cancelled" when the platform already cancelled it), guarded once per status for the whole call."""
    if p.cancelled:
        target: str = OrderStatus.CANCELLED
        if target not in ctx.allowed:  # the same actor and edge for every order of the call
            workflow.ensure(OrderStatus.RECEIVED, target, ctx.roles | {workflow.SYSTEM}, action="cancel_from_platform")
            ctx.allowed.add(target)
    else:
        target = _target_status(p.problems)
        if target not in ctx.allowed:
            workflow.ensure(OrderStatus.RECEIVED, target, ctx.roles, action="intake_order")
            ctx.allowed.add(target)
    values = dict(p.values)
    values.update(
        number=number,
        channel_id=ctx.channel.pk,
        external_id=external_id,
        problems=[pr.as_dict() for pr in p.problems],
        source=ctx.source,
        source_hash=p.source_hash,
        content_key=p.content_key,
        source_updated_at=p.updated_at,
        classes=list(p.classes),
    )
    transitions.place(values, target)  # guarded above, once per target for the whole call
    return new_instance(Order, values, channel=ctx.channel)


def _event(ctx: Context, order: Order, type: str, status_from: str, status_to: str, payload: dict[str, Any]) -> Row:
    return Row(
        order_id=order.pk,
        type=ensure_declared(type),
        status_from=status_from,
        status_to=status_to,
        actor_kind=ctx.actor.kind,
        actor_user_id=ctx.actor.user_id,
        actor_name=ctx.actor.name[:150],
        reason="",
        payload={"source": ctx.source, "delivery_id": ctx.delivery_id, **payload},
    )


def _apply_to_existing(
    ctx: Context,
    order: Order,
    p: Prepared,
    events: list[Row],
    alerts: list[alerts_actions.Raise],
    pending_review: list[int],
) -> IngestResult:
    incoming_at = p.updated_at
    if incoming_at and order.source_updated_at and incoming_at < order.source_updated_at:
        return IngestResult(order, "stale", [])
    if p.cancelled:
        return cancel_from_platform(ctx, order, p, events)
    if order.source_hash == p.source_hash:
        if incoming_at and (order.source_updated_at is None or incoming_at > order.source_updated_at):
            Order.objects.filter(pk=order.pk).update(source_updated_at=incoming_at)
            order.source_updated_at = incoming_at
        return IngestResult(order, "unchanged", [Problem.from_dict(d) for d in order.problems])
    if order.status not in EDITABLE:
        # Past review the platform's change is recorded for a person to act on, not applied.
        events.append(_event(ctx, order, "platform_update_not_applied", "", "", {"changes": _diff(order, p.values)}))
        order.source_hash = p.source_hash
        order.source_updated_at = incoming_at or order.source_updated_at
        Order.objects.filter(pk=order.pk).update(
            source_hash=order.source_hash, source_updated_at=order.source_updated_at
        )
        return IngestResult(order, "updated", [])
    changes = _diff(order, p.values)
    before = order.status
    for name, value in p.values.items():
        setattr(order, name, value)
    order.problems = [pr.as_dict() for pr in p.problems]
    order.source_hash = p.source_hash
    order.content_key = p.content_key
    order.source_updated_at = incoming_at or order.source_updated_at
    order.classes = list(p.classes)
    if before in (OrderStatus.INVALID, OrderStatus.PENDING_REVIEW):
        recheck_order(ctx, order, p.problems)
    order.version += 1
    order.save()
    order.lines.all().delete()
    OrderLine.objects.bulk_create([OrderLine(order=order, **lv) for lv in p.line_values])
    events.append(
        _event(
            ctx,
            order,
            "updated",
            before if order.status != before else "",
            order.status if order.status != before else "",
            {"changes": changes, "problems": order.problems},
        )
    )
    if order.status == OrderStatus.INVALID:  # newly invalid, or still: the alert's problems follow the order
        alerts.append(intake_alert(order))
    if order.status == OrderStatus.PENDING_REVIEW and before != OrderStatus.PENDING_REVIEW:
        clear_intake_alert(order, ctx.actor)
        pending_review.append(order.pk)
    return IngestResult(order, "updated", p.problems)


def cancel_from_platform(ctx: Context, order: Order, p: Prepared, events: list[Row]) -> IngestResult:
    incoming_at = p.updated_at
    if order.status in (OrderStatus.CANCELLED, OrderStatus.CLOSED):
        return IngestResult(order, "unchanged", [])
    before = order.status
    try:
        transitions.move(order, OrderStatus.CANCELLED, action="cancel_from_platform", who=ctx.roles | {workflow.SYSTEM})
    except workflow.TransitionNotAllowed:
        # Already shipped: the platform's cancellation is recorded for customer service, not applied.
        events.append(_event(ctx, order, "platform_cancel_refused", "", "", {"status": order.status}))
        Order.objects.filter(pk=order.pk).update(source_updated_at=incoming_at or order.source_updated_at)
        return IngestResult(order, "unchanged", [])
    order.source_hash = p.source_hash
    order.source_updated_at = incoming_at or order.source_updated_at
    order.version += 1
    order.save(update_fields=[*transitions.STATUS_FIELDS, "source_hash", "source_updated_at", "version", "updated_at"])
    clear_intake_alert(order, ctx.actor)
    alerts_actions.clear(AlertKind.STOCK_SHORTAGE, Subject.of(order), actor=ctx.actor)
    events.append(_event(ctx, order, "cancelled", before, OrderStatus.CANCELLED, {"on_platform": True}))
    return IngestResult(order, "cancelled", [])


def recheck_order(ctx: Context, order: Order, problems: list[Problem]) -> None:
    """A re-delivered order held for correction or waiting for review: its status follows its
    problems again (not saved)."""
    target = _target_status(problems)
    if target != order.status:
        transitions.move(order, target, action="recheck_order", who=ctx.roles)


def _diff(order: Order, values: dict[str, Any]) -> dict[str, list[str]]:
    """field -> [before, after] for the fields that differ (as text, for the event payload)."""
    out: dict[str, list[str]] = {}
    for name, value in values.items():
        old = getattr(order, name)
        if _text(old) != _text(value):
            out[name] = [_text(old), _text(value)]
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# --- re-checking an order already held (after a correction) ------------------------------------


def draft_from_order(order: Order, lines: list[OrderLine]) -> Draft:
    return Draft(
        customer_name=order.customer_name,
        customer_phone=order.customer_phone,
        customer_id_card=order.customer_id_card,
        province=order.province,
        city=order.city,
        district=order.district,
        address_detail=order.address_detail,
        address_raw=order.address_raw,
        address_resolved=False,
        order_type=order.order_type,
        payment_method=order.payment_method,
        tags=list(order.tags or []),
        lines=[
            DraftLine(
                platform_sku=ln.platform_sku,
                name=ln.name,
                quantity=ln.quantity,
                unit_price=ln.unit_price,
                line_total=ln.line_total,
                sku=ln.sku,
                product_id=ln.product_id,
                spec=ln.spec,
                external_line_id=ln.external_line_id,
            )
            for ln in lines
        ],
        goods_amount=order.goods_amount,
        shipping_amount=order.shipping_amount,
        discount_amount=order.discount_amount,
        total_amount=order.total_amount,
        paid_amount=order.paid_amount,
        tax_amount=order.tax_amount,
        taxes_included=order.taxes_included,
    )


def recheck(order: Order, actor: Actor) -> list[Problem]:
    """Run every check again on a held order (after a correction): re-resolve the address, re-map
    unmapped SKUs, refresh the duplicate key and classes. Saves nothing but the order's fields in
    memory and its lines' mapping; the caller saves the order."""
    from oms.inventory.models import Product

    ctx = Context(order.channel, actor, order.source or "correction", None)
    lines = list(order.lines.all())
    ctx.map_skus(ln.platform_sku for ln in lines if ln.product_id is None)
    own = {ln.sku for ln in lines if ln.product_id is None and ln.sku}
    by_sku = dict(Product.objects.filter(sku__in=own).values_list("sku", "pk")) if own else {}
    for ln in lines:
        if ln.product_id is not None:
            continue
        mapped = ctx.sku_cache.get(ln.platform_sku)
        if ln.sku and ln.sku in by_sku:
            ln.product_id = by_sku[ln.sku]
        elif mapped:
            ln.product_id, ln.sku = mapped[0], mapped[1]
        if ln.product_id is not None:
            ln.save(update_fields=["product", "sku"])
    resolved, detail = rules.resolve_address(
        order.province, order.city, order.district, order.address_detail, order.address_raw
    )
    if resolved is not None:
        order.province, order.city, order.district = resolved.province, resolved.city, resolved.district
        order.address_detail = detail[:500]
    draft = draft_from_order(order, lines)
    draft.address_resolved = resolved is not None
    draft.customer_phone = order.customer_phone = rules.normalise_phone(order.customer_phone)[:40]
    problems = rules.check_all(draft, tolerance=ctx.tolerance, require_id_card=ctx.require_id_card)
    order.content_key = rules.content_signature(
        order.customer_phone,
        order.province,
        order.city,
        order.district,
        order.address_detail,
        [(ln.platform_sku or ln.sku, ln.quantity) for ln in lines],
    )
    key = DupKey(order.external_id, order.external_number, order.placed_at, order.content_key, bool(lines))
    problems += duplicate_problems(ctx, [key], {order.external_id}).get(0, [])
    order.problems = [p.as_dict() for p in problems]
    order.classes = rules.classify(ctx.rules, facts_for(order, order.channel))
    return problems
