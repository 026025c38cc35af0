"""Every change of inventory state: one function per use case, the guard inside, the ledger move (and
any order/transfer event) in the same transaction, side effects after commit."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.core import sequences, validators
from oms.core.actor import Actor
from oms.core.workflow import performer_of
from oms.inventory import alerts, ledger, routing, sql, transfers, workflow
from oms.inventory.ledger import InsufficientStock
from oms.inventory.models import (
    Count,
    CountLine,
    CountStatus,
    Lane,
    Location,
    Product,
    Reservation,
    ReservationState,
    Stock,
    StockMove,
    StockThreshold,
    TransferEvent,
    TransferLine,
    TransferPlan,
    TransferStatus,
    Warehouse,
)
from oms.orders import allocation
from oms.orders.events import record_event
from oms.orders.models import Order
from oms.system import params

__all__ = ["InsufficientStock"]


# --- receipts and adjustments ---


@transaction.atomic
def receive(
    *,
    product_id: int,
    warehouse_id: int,
    quantity: int,
    actor: Actor,
    reason: str = "",
    location_id: int | None = None,
) -> Any:
    if quantity <= 0:
        raise ValidationError({"quantity": _("Receive a positive quantity.")})
    _within_limits(product_id, warehouse_id, quantity)
    _active_warehouse(warehouse_id)
    if location_id is not None and not Location.objects.filter(pk=location_id, warehouse_id=warehouse_id).exists():
        raise ValidationError({"location": _("That location is not in this warehouse.")})
    (move,) = ledger.apply(
        [ledger.receipt(product_id, warehouse_id, quantity, location_id=location_id)], actor, reason=reason
    )
    if location_id is not None:
        # The bin the SKU is picked from: set by its first located receipt, changed only on purpose.
        Stock.objects.filter(product_id=product_id, warehouse_id=warehouse_id, location__isnull=True).update(
            location_id=location_id
        )
    return move


@transaction.atomic
def adjust(*, product_id: int, warehouse_id: int, quantity: int, actor: Actor, reason: str) -> Any:
    """Signed correction of on-hand stock; a reason is required. Cannot take reserved units."""
    if not quantity:
        raise ValidationError({"quantity": _("An adjustment needs a non-zero quantity.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the stock is adjusted.")})
    _within_limits(product_id, warehouse_id, quantity)
    (move,) = ledger.apply([ledger.adjust(product_id, warehouse_id, quantity)], actor, reason=reason)
    return move


def _within_limits(product_id: int, warehouse_id: int, quantity: int) -> None:
    """At most the `inventory.max_stock_change` parameter per receipt or adjustment, and never a
    balance beyond the integer columns (PostgreSQL would refuse the update; SQLite would keep it)."""
    largest = int(params.get("inventory.max_stock_change"))
    if abs(quantity) > largest:
        raise ValidationError({"quantity": _("At most %(max)s units in one receipt or adjustment.") % {"max": largest}})
    held = Stock.objects.filter(product_id=product_id, warehouse_id=warehouse_id).values_list("on_hand", flat=True)
    if not validators.int_fits(sum(held) + quantity):
        raise ValidationError(
            {"quantity": _("The stock on hand would exceed %(max)s units.") % {"max": validators.INT_MAX}}
        )


def _active_warehouse(warehouse_id: int) -> Warehouse:
    w = Warehouse.objects.filter(pk=warehouse_id).first()
    if w is None or not w.active:
        raise ValidationError({"warehouse": _("Choose an active warehouse.")})
    return w


# --- reservations for orders ---


def _lock_order(order_id: int) -> Any:
    # Only what inventory needs: building ~50 unused columns per reservation costs real time.
    query = Order.objects.select_related("channel").only(
        "id", "number", "province", "warehouse_id", "status", "channel__code"
    )
    if connection.vendor == "postgresql":
        query = query.select_for_update(of=("self",))
    return query.get(pk=order_id)


def active_reservations(order_id: int) -> list[Reservation]:
    return list(Reservation.objects.filter(order_id=order_id, state=ReservationState.ACTIVE).order_by("pk"))


# The order columns a reservation needs, the channel code for its routing policy, and whether it already
# holds stock, in one statement (the hot path of every confirmation).
_ORDER_SQL = (
    "SELECT o.id, o.number, o.province, o.warehouse_id, o.status, c.code, EXISTS(SELECT 1 FROM "
    "inventory_reservation r WHERE r.order_id = o.id AND r.state = 'active') FROM orders_order o "
    "LEFT JOIN channels_channel c ON c.id = o.channel_id WHERE o.id = %s"
)
_LINES_SQL = (
    "SELECT l.id, l.product_id, l.quantity, p.weight_kg, p.is_kit, p.sku FROM orders_orderline l "
    "LEFT JOIN inventory_product p ON p.id = l.product_id WHERE l.order_id = %s ORDER BY l.id"
)


def _lock_order_for_reservation(order_id: int) -> tuple[Any, str, bool]:
    """(order with the few fields inventory needs, channel code, holds active reservations); locked on PostgreSQL."""
    query = _ORDER_SQL + (" FOR UPDATE OF o" if connection.vendor == "postgresql" else "")
    found = sql.fetch(query, [order_id])
    if not found:
        raise Order.DoesNotExist(f"order {order_id}")
    oid, number, province, warehouse_id, status, channel_code, held = found[0]
    order = Order(id=oid, number=number, province=province, warehouse_id=warehouse_id, status=status)
    order._state.adding, order._state.db = False, connection.alias
    return order, channel_code or "", bool(held)


def _order_items(order_id: int) -> tuple[list[routing.Item], dict[int, str]]:
    """Routing items of the order's lines (kits exploded) and the SKUs by product id, for messages."""
    rows = sql.fetch(_LINES_SQL, [order_id])
    skus = {r[1]: r[5] or "" for r in rows if r[1]}
    if any(r[4] for r in rows):
        lines = [SimpleNamespace(pk=r[0], product_id=r[1], quantity=r[2]) for r in rows]
        return routing.expand_lines(lines), skus
    items = [
        routing.Item(r[0], r[1], r[2], Decimal(str(r[3] or 0)).quantize(Decimal("0.001")))
        for r in rows
        if r[1] and r[2] > 0
    ]
    return items, skus


@transaction.atomic
def reserve_for_order(
    order_id: int,
    actor: Actor,
    decision: routing.Decision | None = None,
    *,
    event_type: str = "stock_reserved",
    reason: str | None = None,
) -> list[Reservation]:
    """Reserve every line of the order (kits as their components) or nothing.

    Uses `decision` when given, else routes the order now. Idempotent: an order that already holds
    active reservations gets them back unchanged. Raises InsufficientStock when stock is short."""
    order, channel_code, held = _lock_order_for_reservation(order_id)
    if held:
        return active_reservations(order_id)
    items, skus = _order_items(order_id)
    rows = None
    if decision is None:
        options = routing.warehouse_options(order.province)
        rows = ledger.fetch_rows({it.product_id for it in items}, [o.id for o in options])
        available = {key: row.on_hand - row.reserved for key, row in rows.items()}
        decision = routing.route(items, available, options, routing.policy_for_channel(channel_code))
        decision.codes = {o.id: o.code for o in options}
    else:
        line_ids = {it.line_id for it in items}
        if any(a.line_id not in line_ids for a in decision.allocations):
            raise ValidationError(_("The routing decision names lines that are not on this order."))
        _check_covers(decision, items)
    if not decision.feasible:
        product_id, missing = next(iter(decision.shortages.items()))
        sku = skus.get(product_id) or Product.objects.filter(pk=product_id).values_list("sku", flat=True).first()
        raise InsufficientStock(product_id, 0, missing, 0, sku or "")
    deltas = [ledger.reserve(a.product_id, a.warehouse_id, a.quantity) for a in decision.allocations]
    ledger.apply(deltas, actor, ref_type="order", ref_id=order.pk, reason=order.number, rows=rows)
    now = timezone.now()
    reservations = sql.insert(
        Reservation,
        [
            {
                "order_id": order.pk,
                "line_id": a.line_id,
                "product_id": a.product_id,
                "warehouse_id": a.warehouse_id,
                "quantity": a.quantity,
                "state": ReservationState.ACTIVE,
                "created_at": now,
                "closed_at": None,
            }
            for a in decision.allocations
        ],
    )
    codes = decision.codes or dict(Warehouse.objects.filter(pk__in=decision.warehouse_ids).values_list("pk", "code"))
    payload = decision.as_payload()
    payload["warehouses"] = [codes.get(w, str(w)) for w in decision.warehouse_ids]
    record_event(
        order,
        type=event_type,
        actor=actor,
        payload=payload,
        reason=reason or "",
    )
    if decision.warehouse_ids:
        allocation.record_warehouse(order.pk, decision.warehouse_ids[0])  # orders writes its own table
    return reservations  # type: ignore[return-value]


def _check_covers(decision: routing.Decision, items: list[routing.Item]) -> None:
    """Every (kit-expanded) line quantity is allocated exactly once."""
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    for it in items:
        wanted[(it.line_id, it.product_id)] += it.quantity
    got: dict[tuple[int, int], int] = defaultdict(int)
    for a in decision.allocations:
        if a.quantity <= 0:
            raise ValidationError(_("Allocated quantities must be positive."))
        got[(a.line_id, a.product_id)] += a.quantity
    if dict(wanted) != dict(got):
        raise ValidationError(_("The routing decision does not cover every line of the order exactly."))


@transaction.atomic
def release_for_order(order_id: int, actor: Actor, reason: str = "") -> int:
    """Give back every active reservation of the order (cancel, edit). Returns units released."""
    order = _lock_order(order_id)
    held = active_reservations(order_id)
    if not held:
        return 0
    ledger.apply(
        [ledger.release(r.product_id, r.warehouse_id, r.quantity) for r in held],
        actor,
        ref_type="order",
        ref_id=order.pk,
        reason=reason or order.number,
    )
    Reservation.objects.filter(pk__in=[r.pk for r in held]).update(
        state=ReservationState.RELEASED, closed_at=timezone.now()
    )
    units = sum(r.quantity for r in held)
    record_event(order, type="stock_released", actor=actor, reason=reason, payload={"units": units})
    return units


@transaction.atomic
def ship_for_order(order_id: int, actor: Actor) -> int:
    """The goods left the warehouse: consume the reservation (on hand and reserved both drop)."""
    order = _lock_order(order_id)
    held = active_reservations(order_id)
    if not held:
        return 0
    ledger.apply(
        [ledger.ship(r.product_id, r.warehouse_id, r.quantity) for r in held],
        actor,
        ref_type="order",
        ref_id=order.pk,
        reason=order.number,
    )
    Reservation.objects.filter(pk__in=[r.pk for r in held]).update(
        state=ReservationState.SHIPPED, closed_at=timezone.now()
    )
    units = sum(r.quantity for r in held)
    record_event(order, type="stock_shipped", actor=actor, payload={"units": units})
    return units


@transaction.atomic
def override_routing(order_id: int, actor: Actor, line_warehouses: dict[int, int], reason: str) -> list[Reservation]:
    """Staff choose the warehouse of each line themselves; the old reservation is released first."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the routing is overridden.")})
    order = _lock_order(order_id)
    lines = list(order.lines.all())
    allocations = []
    for it in routing.expand_lines(lines):
        warehouse_id = line_warehouses.get(it.line_id)
        if warehouse_id is None:
            raise ValidationError(_("Choose a warehouse for every line."))
        allocations.append(routing.Allocation(it.line_id, it.product_id, warehouse_id, it.quantity))
    warehouse_ids = sorted({a.warehouse_id for a in allocations})
    for w in Warehouse.objects.filter(pk__in=warehouse_ids):
        if not w.active or not w.covers(order.province):
            raise ValidationError(
                _("%(warehouse)s does not deliver to %(province)s.")
                % {"warehouse": w.code, "province": order.province or "-"}
            )
    release_for_order(order_id, actor, reason=reason)
    decision = routing.Decision(
        policy="manual", feasible=True, allocations=allocations, warehouse_ids=warehouse_ids, method="manual"
    )
    return reserve_for_order(order_id, actor, decision, event_type="routing_overridden", reason=reason)


# --- thresholds ---


@transaction.atomic
def set_threshold(*, product_id: int, warehouse_id: int, minimum: int, target: int | None, actor: Actor) -> Any:
    if minimum < 0 or (target is not None and target < 0):
        raise ValidationError(_("Thresholds cannot be negative."))
    row, _created = StockThreshold.objects.update_or_create(
        product_id=product_id, warehouse_id=warehouse_id, defaults={"minimum": minimum, "target": target}
    )

    stock = ledger.stock_rows({(product_id, warehouse_id)})
    alerts.evaluate(stock)
    return row


# --- stocktake ---


@transaction.atomic
def open_count(*, warehouse_id: int, actor: Actor, product_ids: list[int] | None = None, reason: str = "") -> Count:
    """Snapshot the expected on-hand quantity of every (or the chosen) SKU in the warehouse."""
    _active_warehouse(warehouse_id)
    mark = StockMove.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    count = Count.objects.create(warehouse_id=warehouse_id, created_by=actor.name, reason=reason, move_mark=mark)
    stock = Stock.objects.filter(warehouse_id=warehouse_id)
    if product_ids:
        stock = stock.filter(product_id__in=product_ids)
    expected = {s.product_id: s.on_hand for s in stock}
    for p in product_ids or []:
        expected.setdefault(p, 0)
    CountLine.objects.bulk_create([CountLine(count=count, product_id=p, expected=q) for p, q in expected.items()])
    return count


@transaction.atomic
def record_counts(*, count_id: int, counted: dict[int, int], actor: Actor) -> Count:
    count = (
        Count.objects.select_for_update().get(pk=count_id)
        if connection.vendor == "postgresql"
        else (Count.objects.get(pk=count_id))
    )
    if count.status != CountStatus.OPEN:
        raise ValidationError(_("This stocktake is already posted."))
    for product_id, qty in counted.items():
        if qty < 0:
            raise ValidationError(_("Counted quantities cannot be negative."))
        updated = CountLine.objects.filter(count=count, product_id=product_id).update(counted=qty)
        if not updated:
            CountLine.objects.create(count=count, product_id=product_id, expected=0, counted=qty)
    return count


class MovedDuringCount(ValidationError):
    """Some counted SKUs moved while the count was under way; posting needs the operator's confirmation."""

    def __init__(self, skus: list[str]) -> None:
        self.skus = skus
        super().__init__(
            _(
                "These SKUs moved while they were being counted: %(skus)s. Check the counts, then confirm "
                "to post them against the quantity on hand now."
            )
            % {"skus": ", ".join(skus)}
        )


def count_status(count: Count) -> dict[int, dict[str, Any]]:
    """Per counted product: on hand now and whether it moved (on-hand changed) since the count started.

    A SKU moved when the ledger has an on-hand move for it after the count's mark, or when its on-hand
    balance differs from the snapshot (which also catches a move committed late with a lower id)."""
    product_ids = list(count.lines.values_list("product_id", flat=True))
    now = dict(
        Stock.objects.filter(warehouse_id=count.warehouse_id, product_id__in=product_ids).values_list(
            "product_id", "on_hand"
        )
    )
    moved_ids = set(
        StockMove.objects.filter(
            warehouse_id=count.warehouse_id, product_id__in=product_ids, pk__gt=count.move_mark or 0
        )
        .exclude(d_on_hand=0)
        .values_list("product_id", flat=True)
    )
    return {
        line.product_id: {
            "on_hand": now.get(line.product_id, 0),
            "moved": line.product_id in moved_ids or now.get(line.product_id, 0) != line.expected,
        }
        for line in count.lines.all()
    }


def count_differences(lines: list[tuple[int, int, int | None, int, bool]], confirm_moved: bool) -> dict[int, int]:
    """Pure: (product_id, expected, counted, on_hand_now, moved) -> {product_id: difference to post}.

    Differences are taken against the quantity on hand when posting. Moved SKUs are refused (raise
    MovedDuringCount with their ids as text) unless the operator confirmed them."""
    moved = [str(p) for p, _e, counted, _n, m in lines if m and counted is not None]
    if moved and not confirm_moved:
        raise MovedDuringCount(moved)
    return {p: counted - now for p, _e, counted, now, _m in lines if counted is not None and counted != now}


@transaction.atomic
def post_count(*, count_id: int, actor: Actor, reason: str, confirm_moved: bool = False) -> list[Any]:
    """Post the differences (counted - on hand now) as count moves with the reason. Lines not counted are skipped.

    A counted SKU that moved since the count started is refused unless `confirm_moved`: its count may
    have been taken before or after the move, and only the operator knows which."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the differences are posted.")})
    query = Count.objects.all()
    if connection.vendor == "postgresql":
        query = query.select_for_update()
    count = query.get(pk=count_id)
    if count.status != CountStatus.OPEN:
        raise ValidationError(_("This stocktake is already posted."))
    lines = list(count.lines.select_related("product"))
    # Lock the counted stock rows so nothing moves between reading "on hand now" and posting.
    ledger.stock_rows({(ln.product_id, count.warehouse_id) for ln in lines if ln.counted is not None})
    status = count_status(count)
    try:
        differences = count_differences(
            [
                (
                    ln.product_id,
                    ln.expected,
                    ln.counted,
                    status[ln.product_id]["on_hand"],
                    status[ln.product_id]["moved"],
                )
                for ln in lines
            ],
            confirm_moved,
        )
    except MovedDuringCount as exc:
        skus = {str(ln.product_id): ln.product.sku for ln in lines}
        raise MovedDuringCount([skus.get(p, p) for p in exc.skus]) from None
    deltas = [ledger.adjust(p, count.warehouse_id, d, kind="count") for p, d in differences.items()]
    moves = ledger.apply(deltas, actor, ref_type="count", ref_id=count.pk, reason=reason)
    counted = [ln for ln in lines if ln.counted is not None]
    for ln in counted:
        ln.book_at_post = status[ln.product_id]["on_hand"]
    CountLine.objects.bulk_update(counted, ["book_at_post"], batch_size=500)
    Count.objects.filter(pk=count.pk).update(status=CountStatus.POSTED, posted_at=timezone.now(), reason=reason)
    return moves


# --- transfer plans ---


def _plan_event(plan: TransferPlan, type: str, actor: Actor, old: str, reason: str = "", **payload: Any) -> None:
    TransferEvent.objects.create(
        plan=plan,
        type=type,
        status_from=old,
        status_to=plan.status,
        actor_name=actor.name,
        reason=reason,
        payload=payload,
    )


def _lock_plan(plan_id: int) -> TransferPlan:
    query = TransferPlan.objects.all()
    if connection.vendor == "postgresql":
        query = query.select_for_update()
    return query.get(pk=plan_id)


def _next_number() -> str:
    # One sequence per day: TP20260314-001, -002, ...
    stamp = timezone.localtime().strftime("%Y%m%d")
    return f"TP{stamp}-{sequences.next_value(f'transfer_plan:{stamp}'):03d}"


def _refresh_cost(plan: TransferPlan) -> None:
    total = sum((ln.unit_cost * ln.quantity for ln in plan.lines.all()), transfers.money(0))
    TransferPlan.objects.filter(pk=plan.pk).update(total_cost=total)
    plan.total_cost = total


@transaction.atomic
def propose_transfer_plan(
    *, actor: Actor, note: str = "", warehouse_ids: frozenset[int] | None = None
) -> TransferPlan | None:
    """Solve the current demand and supply; None when nothing needs to move. `warehouse_ids` (the
    proposer's data scope) limits the plan to lanes with both ends among them."""
    instance = transfers.load_instance(warehouse_ids)
    plan_result = transfers.solve(instance)
    if not plan_result.flows:
        return None
    plan = TransferPlan.objects.create(number=_next_number(), created_by=actor.name, note=note)
    today = timezone.localdate()
    TransferLine.objects.bulk_create(
        [
            TransferLine(
                plan=plan,
                source_id=f.source,
                destination_id=f.destination,
                product_id=f.product_id,
                quantity=f.quantity,
                unit_cost=transfers.money(f.unit_cost),
                expected_arrival=today + timedelta(days=f.lead_time_days),
            )
            for f in plan_result.flows
        ]
    )
    _refresh_cost(plan)
    _plan_event(plan, "proposed", actor, "", moved=plan_result.moved, unmet=plan_result.unmet)
    return plan


def _validate_line(plan: TransferPlan, source_id: int, destination_id: int, product_id: int, qty: int, line_pk=None):
    if qty <= 0:
        raise ValidationError({"quantity": _("Move a positive quantity.")})
    if source_id == destination_id:
        raise ValidationError({"destination": _("Source and destination must differ.")})
    lane = Lane.objects.filter(source_id=source_id, destination_id=destination_id, active=True).first()
    if lane is None:
        raise ValidationError({"destination": _("There is no active lane between these warehouses.")})
    can = transfers.spare(product_id, source_id, exclude_plan=plan.pk)
    same_plan = plan.lines.filter(product_id=product_id, source_id=source_id)
    if line_pk is not None:
        same_plan = same_plan.exclude(pk=line_pk)
    can -= sum(ln.quantity for ln in same_plan)
    if qty > can:
        raise ValidationError({"quantity": _("The source can spare only %(n)s units.") % {"n": max(0, can)}})
    return lane


@transaction.atomic
def edit_transfer_line(*, line_id: int, quantity: int, actor: Actor) -> TransferLine | None:
    """Change a draft line's quantity (0 removes it), never beyond what the source can spare."""
    line = TransferLine.objects.select_related("plan").get(pk=line_id)
    plan = _lock_plan(line.plan_id)
    if plan.status not in workflow.EDITABLE:
        raise ValidationError(_("Only a draft plan can be edited."))
    if quantity == 0:
        line.delete()
        _refresh_cost(plan)
        _plan_event(plan, "line_removed", actor, plan.status, product=line.product_id)
        return None
    _validate_line(plan, line.source_id, line.destination_id, line.product_id, quantity, line_pk=line.pk)
    old = line.quantity
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    _refresh_cost(plan)
    _plan_event(plan, "line_edited", actor, plan.status, line=line.pk, before=old, after=quantity)
    return line


@transaction.atomic
def add_transfer_line(
    *, plan_id: int, source_id: int, destination_id: int, product_id: int, quantity: int, actor: Actor
) -> TransferLine:
    plan = _lock_plan(plan_id)
    if plan.status not in workflow.EDITABLE:
        raise ValidationError(_("Only a draft plan can be edited."))
    lane = _validate_line(plan, source_id, destination_id, product_id, quantity)
    line = TransferLine.objects.create(
        plan=plan,
        source_id=source_id,
        destination_id=destination_id,
        product_id=product_id,
        quantity=quantity,
        unit_cost=lane.unit_cost,
        expected_arrival=timezone.localdate() + timedelta(days=lane.lead_time_days),
    )
    _refresh_cost(plan)
    _plan_event(plan, "line_added", actor, plan.status, line=line.pk)
    return line


def _transition(plan_id: int, target: str, action: str, actor: Actor, reason: str = "", **payload: Any):
    plan = _lock_plan(plan_id)
    old = plan.status
    workflow.TRANSFERS.move(plan, target, performer_of(actor), action)
    plan.save(update_fields=["status", "updated_at"])
    _plan_event(plan, action, actor, old, reason, **payload)
    return plan


@transaction.atomic
def approve_transfer(plan_id: int, actor: Actor) -> TransferPlan:
    plan = _lock_plan(plan_id)
    if not plan.lines.exists():
        raise ValidationError(_("A plan without lines cannot be approved."))
    return _transition(plan_id, TransferStatus.APPROVED, "approve_transfer", actor)


@transaction.atomic
def reopen_transfer(plan_id: int, actor: Actor) -> TransferPlan:
    return _transition(plan_id, TransferStatus.DRAFT, "reopen_transfer", actor)


@transaction.atomic
def cancel_transfer(plan_id: int, actor: Actor, reason: str = "") -> TransferPlan:
    plan = _lock_plan(plan_id)
    return _transition(plan.pk, TransferStatus.CANCELLED, "cancel_transfer", actor, reason)


@transaction.atomic
def dispatch_transfer(plan_id: int, actor: Actor) -> TransferPlan:
    """Stock leaves each source (transfer_out) and shows as in transit at the destination."""
    plan = _lock_plan(plan_id)
    workflow.TRANSFERS.ensure(plan.status, TransferStatus.DISPATCHED, performer_of(actor), "dispatch_transfer")
    deltas = []
    for ln in plan.lines.all():
        deltas.append(ledger.Delta("transfer_out", ln.product_id, ln.source_id, -ln.quantity, d_on_hand=-ln.quantity))
        deltas.append(
            ledger.Delta("transfer_out", ln.product_id, ln.destination_id, ln.quantity, d_in_transit=ln.quantity)
        )
    ledger.apply(deltas, actor, ref_type="transfer", ref_id=plan.pk, reason=plan.number)
    return _transition(plan_id, TransferStatus.DISPATCHED, "dispatch_transfer", actor)


@transaction.atomic
def receive_transfer(plan_id: int, received: dict[int, int], actor: Actor) -> TransferPlan:
    """Goods arrived: {line_id: units now received}. Partial receipts allowed; complete lines close the plan."""
    plan = _lock_plan(plan_id)
    if plan.status not in (TransferStatus.DISPATCHED, TransferStatus.RECEIVING):
        workflow.TRANSFERS.ensure(plan.status, TransferStatus.RECEIVING, performer_of(actor), "receive_transfer")
    lines = {ln.pk: ln for ln in plan.lines.all()}
    deltas = []
    for line_id, qty in received.items():
        if not qty:
            continue
        ln = lines.get(int(line_id))
        if ln is None:
            raise ValidationError(_("That line is not on this plan."))
        if qty < 0 or qty > ln.outstanding:
            raise ValidationError(
                {
                    "quantity": _("Receive between 0 and %(n)s units of line %(line)s.")
                    % {"n": ln.outstanding, "line": ln.pk}
                }
            )
        deltas.append(
            ledger.Delta("transfer_in", ln.product_id, ln.destination_id, qty, d_on_hand=qty, d_in_transit=-qty)
        )
        TransferLine.objects.filter(pk=ln.pk).update(received=ln.received + qty)
        ln.received += qty
    if not deltas:
        raise ValidationError(_("Enter the quantity received for at least one line."))
    ledger.apply(deltas, actor, ref_type="transfer", ref_id=plan.pk, reason=plan.number)
    done = all(ln.outstanding == 0 for ln in lines.values())
    target = TransferStatus.DONE if done else TransferStatus.RECEIVING
    return _transition(plan_id, target, "receive_transfer", actor, received={str(k): v for k, v in received.items()})


@transaction.atomic
def close_transfer(plan_id: int, actor: Actor, reason: str) -> TransferPlan:
    """Close a plan whose goods will not all arrive: the missing units leave in-transit as a recorded loss."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the missing units will not arrive.")})
    plan = _lock_plan(plan_id)
    workflow.TRANSFERS.ensure(plan.status, TransferStatus.DONE, performer_of(actor), "close_transfer")
    missing = [(ln, ln.outstanding) for ln in plan.lines.all() if ln.outstanding > 0]
    deltas = [
        ledger.Delta("adjust", ln.product_id, ln.destination_id, -q, d_in_transit=-q, reason=reason)
        for ln, q in missing
    ]
    ledger.apply(deltas, actor, ref_type="transfer", ref_id=plan.pk, reason=reason)
    differences = {str(ln.pk): q for ln, q in missing}
    return _transition(plan_id, TransferStatus.DONE, "close_transfer", actor, reason, differences=differences)
