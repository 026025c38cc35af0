"""Review and confirmation transitions: the only code that moves an order through review, holds,
confirmation, cancellation, merging and splitting (read-models and rule/blacklist administration
are in read_models.py and administration.py; actions.py names them all for older callers).

Every action locks the order (row lock on PostgreSQL; SQLite's IMMEDIATE transactions serialise
writers), checks the workflow guard for the actor (a person by the action's permission, the system
by its pseudo-role) and, when the person sent one, the version they looked at; then it changes the
order through oms.orders.transitions and writes its event in the same transaction. Two people
acting on one order at once: the second finds the order changed and gets TransitionNotAllowed or
StaleVersion, with nothing written.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.core import sequences, validators
from oms.core.actor import Actor
from oms.monitoring import actions as alerts
from oms.monitoring.kinds import AlertKind
from oms.monitoring.subjects import Subject
from oms.orders import hooks, transitions, workflow
from oms.orders import rules as intake_rules
from oms.orders.actions import StaleVersion, lock_order
from oms.orders.choices import OrderStatus as S
from oms.orders.events import record_event, refusal_text
from oms.orders.models import Order, OrderLine
from oms.orders.review import rules, tracking
from oms.orders.review.models import (
    BlacklistEntry,
    MergeGroup,
    OrderHold,
    OrderReview,
    RejectReason,
    ReviewRule,
)

log = logging.getLogger(__name__)
SYSTEM = Actor.system("review")

__all__ = ["StaleVersion", "ActionRefused"]


class ActionRefused(Exception):
    """The action is allowed but cannot be done now (a check failed); nothing was changed."""

    def __init__(self, message: str, *, code: str = "", params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # What a timeline keeps of it: a refusal code of oms.orders.events.REFUSALS and its parameters,
        # so that it reads in the reader's language later.
        self.code, self.params = code, params or {}

    def __str__(self) -> str:
        return self.message


def _check_version(order: Order, version: int | None) -> None:
    if version not in (None, "") and int(version) != order.version:  # type: ignore[arg-type]
        raise StaleVersion(order)


def review_of(order: Order) -> OrderReview:
    review, _created = OrderReview.objects.get_or_create(order=order)
    return review


def _move(
    order: Order,
    target: str,
    action: str,
    actor: Actor,
    roles: workflow.Performer,
    *,
    event: str,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    extra_fields: tuple[str, ...] = (),
    public: bool = False,
) -> None:
    before = order.status
    transitions.move(order, target, action=action, who=roles)
    order.version += 1
    order.save(update_fields=[*transitions.STATUS_FIELDS, "version", "updated_at", *extra_fields])
    record_event(
        order,
        type=event,
        actor=actor,
        status_from=before,
        status_to=target,
        reason=reason,
        payload=payload or {},
        public=public,
    )


def _touch(order: Order) -> None:
    order.version += 1
    order.save(update_fields=["version", "updated_at"])


# --- automatic review -------------------------------------------------------------------------


def load_specs() -> list[rules.RuleSpec]:
    return [
        rules.RuleSpec(r.code, r.kind, r.outcome, dict(r.params or {}))
        for r in ReviewRule.objects.filter(enabled=True).order_by("position", "pk")
    ]


def _when(order: Any) -> datetime:
    return order.placed_at or order.created_at or timezone.now()


def gather_facts(order: Order) -> rules.OrderFacts:
    """The plain values the rules look at, read from the order and its neighbours."""
    from oms.system import params

    lines = list(order.lines.select_related("product").order_by("line_no"))
    resolved, _detail = intake_rules.resolve_address(
        order.province, order.city, order.district, order.address_detail, order.address_raw
    )
    phone = validators.parse_phone(order.customer_phone or "")
    entries = list(BlacklistEntry.objects.values_list("kind", "value"))
    address = f"{order.province}{order.city}{order.district}{order.address_detail}"
    hits = rules.blacklist_hits(
        entries,
        name=order.customer_name,
        phone=order.customer_phone,
        phone_normal=phone.national if phone else "",
        address=address or order.address_raw,
    )
    similar: list[tuple[str, float]] = []
    if order.content_key:
        when = _when(order)
        for number, placed, created in (
            Order.objects.filter(content_key=order.content_key)
            .exclude(pk=order.pk)
            .exclude(status=S.CANCELLED)
            .values_list("number", "placed_at", "created_at")[:20]
        ):
            other = placed or created
            similar.append((number, abs((when - other).total_seconds()) / 3600))
    previous = 0
    if order.customer_phone:
        previous = (
            Order.objects.filter(customer_phone=order.customer_phone, created_at__lt=order.created_at)
            .exclude(pk=order.pk)
            .exclude(status=S.CANCELLED)
            .count()
        )
    draft = intake_rules.Draft(order_type=order.order_type, payment_method=order.payment_method)
    return rules.OrderFacts(
        total=order.total_amount,
        paid=order.paid_amount,
        payment_status=order.payment_status,
        cod=intake_rules.is_cash_on_delivery(draft),
        buyer_note=order.buyer_note,
        seller_note=order.seller_note,
        customer_name=order.customer_name,
        phone=order.customer_phone,
        phone_valid=phone is not None,
        id_card=order.customer_id_card,
        id_card_problem=validators.id_card_problem(order.customer_id_card) if order.customer_id_card else None,
        province=order.province,
        city=order.city,
        district=order.district,
        address_detail=order.address_detail,
        address_resolved=resolved is not None,
        lines=[
            rules.LineFacts(
                ln.line_no,
                ln.sku or ln.platform_sku,
                ln.quantity,
                ln.unit_price,
                ln.product.list_price if ln.product is not None else None,
            )
            for ln in lines
        ],
        blacklist_hits=hits,
        similar_orders=similar,
        previous_orders=previous,
        tolerance=Decimal(str(params.get("workflow.amount_tolerance"))),
    )


@transaction.atomic
def auto_review(order_id: int, actor: Actor = SYSTEM) -> Order:
    """Run the rule set on an order waiting for review and act on the strongest outcome:
    pass -> approved, manual/finance -> stays for people, hold -> on hold, reject -> rejected."""
    from oms.system import params

    order = lock_order(order_id)
    if order.status != S.PENDING_REVIEW:
        return order  # someone acted first, or it changed since the hook fired
    findings = rules.evaluate(load_specs(), gather_facts(order))
    outcome = rules.decide(findings)
    review = review_of(order)
    review.findings = [f.as_dict() for f in findings]
    review.outcome = outcome
    review.needs_finance = rules.needs_finance(findings)
    review.reviewed_at = timezone.now()
    review.save()
    enabled = bool(params.get("workflow.auto_review_enabled"))
    payload = {"findings": review.findings, "outcome": outcome, "enabled": enabled}
    if not enabled:
        record_event(
            order,
            type="auto_review_off",
            actor=actor,
            payload=payload,
        )
        return order
    record_event(order, type="auto_review", actor=actor, payload=payload)
    roles = workflow.Performer(pseudo=frozenset({workflow.SYSTEM}))
    if outcome == rules.PASS:
        _move(order, S.APPROVED, "approve_order", actor, roles, event="approved", payload={"automatic": True})
        transaction.on_commit(lambda: hooks.fire_approved(order.pk))
    elif outcome == rules.REJECT:
        review.reject_code, review.reject_text = RejectReason.RULE, ""  # the findings say why
        review.save(update_fields=["reject_code", "reject_text"])
        _move(
            order,
            S.REJECTED,
            "reject_order",
            actor,
            roles,
            event="rejected",
            payload={"code": RejectReason.RULE, "automatic": True},
        )
    elif outcome == rules.HOLD:
        _hold(order, actor, roles, "", None)  # no typed reason: the event says the rules held it
    return order


# --- human review -----------------------------------------------------------------------------


@transaction.atomic
def approve_order(*, order_id: int, actor: Actor, version: int | None = None, note: str = "") -> Order:
    """Approve the order at whichever stage it waits: first review (on to finance when a finance
    rule fired) or finance review."""
    order = lock_order(order_id)
    if order.status == S.PENDING_FINANCE:
        return _finance_approve(order, actor, version, note)
    roles = workflow.roles_of(actor)
    workflow.ensure_action(order.status, "approve_order", roles)
    _check_version(order, version)
    if review_of(order).needs_finance:
        return _escalate(order, actor, roles, note)
    _move(order, S.APPROVED, "approve_order", actor, roles, event="approved", reason=note, payload={"stage": "review"})
    transaction.on_commit(lambda: hooks.fire_approved(order.pk))
    return order


def _escalate(order: Order, actor: Actor, roles: workflow.Performer, note: str) -> Order:
    _move(
        order,
        S.PENDING_FINANCE,
        "escalate_to_finance",
        actor,
        roles,
        event="review_approved",
        reason=note,
        payload={"stage": "review"},
    )
    return order


@transaction.atomic
def escalate_to_finance(*, order_id: int, actor: Actor, version: int | None = None, note: str = "") -> Order:
    """First review passed, but a finance reviewer approves too (approve_order does this by itself
    when a finance rule fired)."""
    order = lock_order(order_id)
    roles = workflow.roles_of(actor)
    workflow.ensure_action(order.status, "escalate_to_finance", roles)
    _check_version(order, version)
    return _escalate(order, actor, roles, note)


def _finance_approve(order: Order, actor: Actor, version: int | None, note: str) -> Order:
    roles = workflow.roles_of(actor)
    workflow.ensure_action(order.status, "finance_approve_order", roles)
    _check_version(order, version)
    _move(
        order,
        S.APPROVED,
        "finance_approve_order",
        actor,
        roles,
        event="finance_approved",
        reason=note,
        payload={"stage": "finance"},
    )
    transaction.on_commit(lambda: hooks.fire_approved(order.pk))
    return order


@transaction.atomic
def finance_approve_order(*, order_id: int, actor: Actor, version: int | None = None, note: str = "") -> Order:
    """Second stage (finance review): approved."""
    return _finance_approve(lock_order(order_id), actor, version, note)


def reject_order(*, order_id: int, actor: Actor, reason_code: str, text: str = "", version: int | None = None) -> Order:
    """Back to the clerks' correction queue with a reason, from first review or (a finance
    reviewer's) finance review; a resubmission runs the rules again."""
    return _reject(order_id, actor, reason_code, text, version, finance_only=False)


def finance_reject_order(
    *, order_id: int, actor: Actor, reason_code: str, text: str = "", version: int | None = None
) -> Order:
    """Reject in finance review only (reject_order does this too, for an order in finance review)."""
    return _reject(order_id, actor, reason_code, text, version, finance_only=True)


@transaction.atomic
def _reject(
    order_id: int, actor: Actor, reason_code: str, text: str, version: int | None, *, finance_only: bool
) -> Order:
    if reason_code not in RejectReason.values:
        raise ValidationError({"reason_code": _("Choose a reason from the list.")})
    if reason_code == RejectReason.OTHER and not text.strip():
        raise ValidationError({"text": _("Explain the reason.")})
    order = lock_order(order_id)
    finance = finance_only or order.status == S.PENDING_FINANCE
    action = "finance_reject_order" if finance else "reject_order"
    roles = workflow.roles_of(actor)
    workflow.ensure_action(order.status, action, roles)
    _check_version(order, version)
    review = review_of(order)
    review.reject_code, review.reject_text = reason_code, text.strip()
    review.save(update_fields=["reject_code", "reject_text"])
    _move(
        order,
        S.REJECTED,
        action,
        actor,
        roles,
        event="rejected",
        reason=text.strip(),
        payload={"code": reason_code, "stage": "finance" if finance else "review"},
    )
    return order


def _hold(order: Order, actor: Actor, roles: workflow.Performer, reason: str, release_at: datetime | None) -> None:
    before = order.status
    _move(
        order,
        S.ON_HOLD,
        "hold_order",
        actor,
        roles,
        event="held",
        reason=reason,
        payload={"release_at": release_at.isoformat() if release_at else None, "automatic": not reason},
    )
    OrderHold.objects.create(order=order, reason=reason, held_from=before, release_at=release_at)


@transaction.atomic
def hold_order(
    *, order_id: int, actor: Actor, reason: str, release_at: datetime | None = None, version: int | None = None
) -> Order:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the order is held.")})
    if release_at is not None and release_at <= timezone.now():
        raise ValidationError({"release_at": _("The automatic release time must be in the future.")})
    order = lock_order(order_id)
    roles = workflow.roles_of(actor)
    workflow.ensure_action(order.status, "hold_order", roles)
    _check_version(order, version)
    _hold(order, actor, roles, reason.strip(), release_at)
    return order


@transaction.atomic
def release_order(*, order_id: int, actor: Actor, note: str = "", version: int | None = None) -> Order:
    """Off hold, back to review (a person looks at it again; the rules do not hold it again)."""
    order = lock_order(order_id)
    roles = workflow.roles_of(actor)
    workflow.ensure_action(order.status, "release_order", roles)
    _check_version(order, version)
    OrderHold.objects.filter(order=order, released_at=None).update(released_at=timezone.now())
    _move(order, S.PENDING_REVIEW, "release_order", actor, roles, event="released", reason=note)
    return order


def release_due_holds(now: datetime | None = None) -> int:
    """Periodic: release every hold whose automatic release time has come."""
    now = now or timezone.now()
    due = (
        OrderHold.objects.filter(released_at=None, release_at__lte=now, order__status=S.ON_HOLD)
        .values_list("order_id", flat=True)
        .distinct()
    )
    done = 0
    for order_id in list(due):
        try:
            release_order(order_id=order_id, actor=Actor.system("scheduler"), note=_("Released automatically."))
            done += 1
        except (workflow.TransitionNotAllowed, StaleVersion):
            continue
    return done


# --- confirmation -----------------------------------------------------------------------------


def recheck_problems(order: Order) -> list[intake_rules.Problem]:
    """The intake checks again, on the order as held now (nothing saved)."""
    from oms.orders.intake import draft_from_order
    from oms.system import params

    lines = list(order.lines.all())
    draft = draft_from_order(order, lines)
    resolved, _detail = intake_rules.resolve_address(
        order.province, order.city, order.district, order.address_detail, order.address_raw
    )
    draft.address_resolved = resolved is not None
    problems = intake_rules.check_all(
        draft,
        tolerance=Decimal(str(params.get("workflow.amount_tolerance"))),
        require_id_card=bool(params.get("workflow.require_id_card")),
    )
    return problems


def delivery_refusal(order: Order) -> tuple[str, dict[str, Any]] | None:
    """None when an active warehouse delivers to the order's province and the parcel is not too
    heavy; else the refusal code (oms.orders.events.REFUSALS) and its parameters."""
    from oms.inventory import routing
    from oms.inventory.models import Warehouse
    from oms.system import params

    if not any(w.covers(order.province) for w in Warehouse.objects.filter(active=True)):
        return "no_warehouse", {"province": order.province or "—"}
    items = routing.expand_lines(list(order.lines.all()))
    weight = sum((it.weight_kg * it.quantity for it in items), Decimal("0"))
    limit = Decimal(str(params.get("workflow.max_parcel_weight_kg")))
    if limit and weight > limit:
        return "too_heavy", {"weight": str(weight.quantize(Decimal("0.001"))), "limit": str(limit)}
    return None


def delivery_problem(order: Order) -> str:
    """Empty when the order can be delivered; else what is wrong, in the current language."""
    refusal = delivery_refusal(order)
    return refusal_text(*refusal) if refusal else ""


def _record_shortages(order: Order, shortages: dict[int, int], actor: Actor) -> None:
    """One active "stock_shortage" alert per product the order lacks (its quantity kept up to date);
    those of products no longer short are cleared."""
    from oms.inventory.models import Product

    wanted = {p: q for p, q in sorted(shortages.items()) if q > 0}
    skus = dict(Product.objects.filter(pk__in=wanted).values_list("pk", "sku"))
    subject = Subject.of(order)
    alerts.clear_missing(
        AlertKind.STOCK_SHORTAGE, [(subject, f"product:{p}") for p in wanted], subjects=[subject], actor=actor
    )
    alerts.raise_many(
        AlertKind.STOCK_SHORTAGE,
        [
            alerts.Raise(
                subject,
                {"number": order.number, "sku": skus.get(p, ""), "product_id": p, "quantity": q},
                cause=f"product:{p}",
                channel_id=order.channel_id,
            )
            for p, q in wanted.items()
        ],
        actor=actor,
    )


def _clear_shortages(order: Order, actor: Actor) -> None:
    alerts.clear(AlertKind.STOCK_SHORTAGE, Subject.of(order), actor=actor)


def _shortages(order: Order) -> dict[int, int]:
    """Units missing per product for the whole order (across the warehouses that deliver to it)."""
    from oms.inventory import routing
    from oms.inventory.models import Stock

    items = routing.expand_lines(list(order.lines.all()))
    options = routing.warehouse_options(order.province)
    wanted: dict[int, int] = defaultdict(int)
    for it in items:
        wanted[it.product_id] += it.quantity
    have: dict[int, int] = defaultdict(int)
    for s in Stock.objects.filter(product_id__in=wanted, warehouse_id__in=[o.id for o in options]):
        have[s.product_id] += max(0, s.available)
    return {p: q - have[p] for p, q in wanted.items() if q > have[p]} or dict(wanted)


@transaction.atomic
def confirm_order(*, order_id: int, actor: Actor, version: int | None = None) -> Order:
    """Re-check, check delivery, route and reserve stock; then confirmed with a tracking number.
    Short of stock: "awaiting stock" with the shortage recorded (confirmed again when stock arrives)."""
    from oms.inventory import actions as inventory
    from oms.inventory import routing
    from oms.inventory.ledger import InsufficientStock

    order = lock_order(order_id)
    roles = workflow.roles_of(actor)
    workflow.ensure_action(order.status, "confirm_order", roles)
    _check_version(order, version)
    problems = recheck_problems(order)
    if problems:
        found = {"problems": [p.as_dict() for p in problems]}
        raise ActionRefused(refusal_text("checks_failed", found), code="checks_failed", params=found)
    refusal = delivery_refusal(order)
    if refusal:
        raise ActionRefused(refusal_text(*refusal), code=refusal[0], params=refusal[1])
    decision = routing.decide_for_order(order)
    reserved = False
    if decision.feasible:
        try:
            with transaction.atomic():
                inventory.reserve_for_order(order.pk, actor, decision)
            reserved = True
            order.refresh_from_db(fields=["warehouse", "version"])  # recorded with the reservation
        except InsufficientStock:
            reserved = False  # taken by someone else since routing: treated as short
    if reserved:
        order.tracking_number = order.tracking_number or tracking.next_tracking_number()
        _clear_shortages(order, actor)
        _move(
            order,
            S.CONFIRMED,
            "confirm_order",
            actor,
            roles,
            event="confirmed",
            payload={"tracking_number": order.tracking_number, "warehouses": decision.warehouse_ids},
            extra_fields=("tracking_number",),
            public=True,
        )
        return order
    shortages = decision.shortages if not decision.feasible and decision.shortages else _shortages(order)
    _record_shortages(order, shortages, actor)
    payload = {"shortages": {str(k): v for k, v in shortages.items()}}
    if order.status != S.AWAITING_STOCK:
        _move(
            order,
            S.AWAITING_STOCK,
            "confirm_order",
            actor,
            roles,
            event="awaiting_stock",
            payload=payload,
        )
    elif actor.kind == "user":
        record_event(order, type="still_awaiting_stock", actor=actor, payload=payload)
    return order


@transaction.atomic
def note_refusal(order_id: int, event: str, refusal: ActionRefused) -> None:
    """Record on the timeline why automatic work left the order for a person: the refusal's code and
    parameters (its words are built when shown), or, for a refusal without a code, its message."""
    order = lock_order(order_id)
    payload = {"refusal": refusal.code, **refusal.params} if refusal.code else {"detail": refusal.message}
    record_event(order, type=event, actor=Actor.system("auto-confirm"), payload=payload)


def retry_awaiting_stock(product_ids: set[int]) -> int:
    """Stock arrived: try to confirm the orders awaiting any of these products, oldest first."""
    from oms.inventory.models import KitComponent

    ids = set(product_ids)
    ids |= set(KitComponent.objects.filter(component_id__in=ids).values_list("kit_id", flat=True))
    waiting = (
        Order.objects.filter(status=S.AWAITING_STOCK, lines__product_id__in=ids)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    confirmed = 0
    for order_id in list(waiting):
        try:
            order = confirm_order(order_id=order_id, actor=Actor.system("stock"))
        except (workflow.TransitionNotAllowed, ActionRefused, StaleVersion):
            continue
        confirmed += order.status == S.CONFIRMED
    return confirmed


# --- cancel -----------------------------------------------------------------------------------


@transaction.atomic
def cancel_order(*, order_id: int, actor: Actor, reason: str, version: int | None = None) -> Order:
    """Cancel before shipping: reservations released, holds and shortages closed, merge left."""
    from oms.inventory import actions as inventory

    if not reason.strip():
        raise ValidationError({"reason": _("Say why the order is cancelled.")})
    order = lock_order(order_id)
    roles = workflow.roles_of(actor)
    workflow.ensure(order.status, S.CANCELLED, roles, action="cancel_order")
    _check_version(order, version)
    inventory.release_for_order(order.pk, actor, reason=reason.strip())
    now = timezone.now()
    _clear_shortages(order, actor)
    OrderHold.objects.filter(order=order, released_at=None).update(released_at=now)
    for group in order.merge_groups.all():
        group.orders.remove(order)
    _move(order, S.CANCELLED, "cancel_order", actor, roles, event="cancelled", reason=reason.strip(), public=True)
    return order


# --- merge ------------------------------------------------------------------------------------

MERGE_KEY = ("channel_id", "shop", "customer_name", "customer_phone", "province", "city", "district", "address_detail")
MERGEABLE = (S.APPROVED, S.CONFIRMED)


def _next_group_number() -> str:
    return f"MG{sequences.next_value('merge'):07d}"


@transaction.atomic
def merge_orders(*, order_ids: list[int], actor: Actor) -> MergeGroup:
    """Ship unshipped approved orders of one customer, address and shop together (one group)."""
    ids = sorted(set(int(i) for i in order_ids))
    if len(ids) < 2:
        raise ActionRefused(_("Choose at least two orders to merge."))
    roles = workflow.roles_of(actor)
    orders = [lock_order(i) for i in ids]  # primary-key order: no deadlock between two mergers
    for order in orders:
        workflow.ensure_action(order.status, "merge_orders", roles)
    keys = {tuple(getattr(o, f) for f in MERGE_KEY) for o in orders}
    if len(keys) != 1:
        raise ActionRefused(_("Only orders of the same customer, address and shop can be merged."))
    groups = {g for o in orders for g in o.merge_groups.all()}
    if len(groups) > 1:
        raise ActionRefused(_("These orders already belong to different shipment groups."))
    group = (
        groups.pop()
        if groups
        else MergeGroup.objects.create(
            number=_next_group_number(), channel_id=orders[0].channel_id, shop=orders[0].shop, created_by=actor.name
        )
    )
    group.orders.add(*orders)
    numbers = sorted(group.orders.values_list("number", flat=True))
    for order in orders:
        _touch(order)
        record_event(order, type="merged", actor=actor, payload={"group": group.number, "orders": numbers})
    return group


def auto_merge(order_id: int) -> MergeGroup | None:
    order = Order.objects.get(pk=order_id)
    if order.status not in MERGEABLE or order.merge_groups.exists():
        return None
    key = {f: getattr(order, f) for f in MERGE_KEY}
    siblings = list(
        Order.objects.filter(status__in=MERGEABLE, **key).exclude(pk=order.pk).values_list("pk", flat=True)[:20]
    )
    if not siblings:
        return None
    return merge_orders(order_ids=[order.pk, *siblings], actor=Actor.system("merge rule"))


# --- split ------------------------------------------------------------------------------------

SPLIT_MODES = ("warehouse", "availability")
_COPY = [
    "channel_id",
    "shop",
    "external_number",
    "order_type",
    "tags",
    "classes",
    "customer_name",
    "customer_phone",
    "customer_email",
    "customer_id_card",
    "buyer_id",
    "country",
    "province",
    "city",
    "district",
    "address_detail",
    "postcode",
    "address_raw",
    "buyer_note",
    "seller_note",
    "currency",
    "payment_method",
    "payment_status",
    "transaction_id",
    "placed_at",
    "paid_at",
    "source_updated_at",
]


def _plan_by_warehouse(order: Order, lines: list[OrderLine]) -> list[dict[int, int]]:
    from oms.inventory import routing

    decision = routing.decide_for_order(order)
    if not decision.feasible or decision.parcels < 2:
        raise ActionRefused(_("The order ships from one warehouse; there is nothing to split by warehouse."))
    by_line = {ln.pk: ln for ln in lines}
    kit_lines = {it.line_id for it in routing.expand_lines(lines) if it.product_id != by_line[it.line_id].product_id}
    parts: dict[int, dict[int, int]] = {w: {} for w in decision.warehouse_ids}
    for a in decision.allocations:
        if a.line_id in kit_lines:
            # a kit line goes whole to the warehouse of its first component
            owner = next(x.warehouse_id for x in decision.allocations if x.line_id == a.line_id)
            parts[owner][a.line_id] = by_line[a.line_id].quantity
        else:
            parts[a.warehouse_id][a.line_id] = parts[a.warehouse_id].get(a.line_id, 0) + a.quantity
    return [parts[w] for w in decision.warehouse_ids if parts[w]]


def _plan_by_availability(order: Order, lines: list[OrderLine]) -> list[dict[int, int]]:
    from oms.inventory import routing
    from oms.inventory.models import KitComponent, Stock

    options = routing.warehouse_options(order.province)
    products = {ln.product_id for ln in lines if ln.product_id}
    kits: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for kc in KitComponent.objects.filter(kit_id__in=products):
        kits[kc.kit_id].append((kc.component_id, kc.quantity))
    wanted = products | {c for comps in kits.values() for c, _q in comps}
    free: dict[int, int] = defaultdict(int)
    for s in Stock.objects.filter(product_id__in=wanted, warehouse_id__in=[o.id for o in options]):
        free[s.product_id] += max(0, s.available)
    now: dict[int, int] = {}
    later: dict[int, int] = {}
    for ln in lines:
        if not ln.product_id or ln.quantity <= 0:
            continue
        comps = kits.get(ln.product_id) or [(ln.product_id, 1)]
        can = min([ln.quantity] + [free[c] // per for c, per in comps])
        for c, per in comps:
            free[c] -= can * per
        if can:
            now[ln.pk] = can
        if ln.quantity - can:
            later[ln.pk] = ln.quantity - can
    if not now:
        raise ActionRefused(_("Nothing of this order is in stock now; there is nothing to ship first."))
    if not later:
        raise ActionRefused(_("Everything is in stock; the order does not need to be split."))
    return [now, later]


@transaction.atomic
def split_order(*, order_id: int, actor: Actor, mode: str, version: int | None = None) -> list[Order]:
    """Split by warehouse (one order per routed warehouse) or by availability (what is in stock
    now stays on this order, the rest moves to a new one). New orders keep the original's
    customer, payment and history link (OrderReview.split_from) and its status."""
    if mode not in SPLIT_MODES:
        raise ValidationError({"mode": _("Choose how to split: by warehouse or by availability.")})
    order = lock_order(order_id)
    roles = workflow.roles_of(actor)
    workflow.ensure_action(order.status, "split_order", roles)
    _check_version(order, version)
    lines = list(order.lines.all())
    parts = _plan_by_warehouse(order, lines) if mode == "warehouse" else _plan_by_availability(order, lines)
    root = review_of(order).split_from or order
    existing = OrderReview.objects.filter(split_from=root).count()
    children: list[Order] = []
    moved_total = Decimal("0")
    for n, part in enumerate(parts[1:], start=existing + 2):
        child, amount = _split_off(order, root, n, part, {ln.pk: ln for ln in lines}, actor)
        children.append(child)
        moved_total += amount
    for ln in lines:
        ln.refresh_from_db()
        if ln.quantity <= 0:
            ln.delete()
    fully_paid = order.paid_amount >= order.total_amount
    order.goods_amount -= moved_total
    order.total_amount -= moved_total
    if fully_paid:
        order.paid_amount -= moved_total
    order.version += 1
    order.save(update_fields=["goods_amount", "total_amount", "paid_amount", "version", "updated_at"])
    record_event(
        order,
        type="split",
        actor=actor,
        payload={"mode": mode, "orders": [c.number for c in children]},
    )
    return [order, *children]


def _split_off(
    order: Order, root: Order, n: int, part: dict[int, int], by_line: dict[int, OrderLine], actor: Actor
) -> tuple[Order, Decimal]:
    child = Order(
        **{f: getattr(order, f) for f in _COPY},
        number=f"{root.number}-{n}"[:40],
        external_id=f"{root.external_id}/{n}"[:100],
        source="split",
    )
    transitions.copy_status(child, order)
    child.save()
    amount = Decimal("0")
    new_lines = []
    for line_no, (line_id, qty) in enumerate(sorted(part.items()), start=1):
        ln = by_line[line_id]
        share = (ln.line_total * qty / ln.quantity).quantize(Decimal("0.01")) if ln.quantity else Decimal("0")
        new_lines.append(
            OrderLine(
                order=child,
                line_no=line_no,
                platform_sku=ln.platform_sku,
                product_id=ln.product_id,
                sku=ln.sku,
                name=ln.name,
                spec=ln.spec,
                quantity=qty,
                unit_price=ln.unit_price,
                line_total=share,
                external_line_id=ln.external_line_id,
            )
        )
        OrderLine.objects.filter(pk=ln.pk).update(quantity=F("quantity") - qty, line_total=F("line_total") - share)
        amount += share
    OrderLine.objects.bulk_create(new_lines)
    fully_paid = order.paid_amount >= order.total_amount
    child.goods_amount = child.total_amount = amount
    child.paid_amount = amount if fully_paid else Decimal("0")
    child.save(update_fields=["goods_amount", "total_amount", "paid_amount"])
    OrderReview.objects.create(order=child, split_from=root, outcome=review_of(order).outcome)
    record_event(
        child,
        type="split_from",
        actor=actor,
        status_to=child.status,
        payload={"from": order.number},
    )
    return child, amount
