"""Console pages of the Inventory module. Views parse input, check permission and call actions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from oms.core import bounded, validators
from oms.core.actor import Actor
from oms.core.exports import spreadsheet
from oms.core.permissions import module_required
from oms.core.redirects import safe_next
from oms.core.uploads import safe_name
from oms.inventory import actions, analysis, excel, routing, scopes, workflow
from oms.inventory import filters as filtersets
from oms.inventory.forms import AdjustForm, ReceiveForm, ThresholdForm, TransferLineForm, UploadForm
from oms.inventory.ledger import InsufficientStock
from oms.inventory.models import (
    Count,
    MoveKind,
    Product,
    Reservation,
    Stock,
    StockMove,
    StockThreshold,
    TransferLine,
    TransferPlan,
    TransferStatus,
    Warehouse,
)

M = "inventory"


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request)


def _page(request: HttpRequest, qs: Any, per: int = 50) -> Any:
    return Paginator(qs, per).get_page(request.GET.get("page"))


def _xlsx(headers: list[str], rows: Iterable[list[Any]], title: str, name: str) -> Any:
    """An Excel download through the one export helper; headers are the import's column keys."""
    return spreadsheet("xlsx", f"{name}-{timezone.localdate():%Y%m%d}", headers, rows, title)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _query_without_page(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    q.pop("export", None)
    return q.urlencode()


# --- stock ---


def stock_queryset(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    qs = Stock.objects.restrict(request.user).select_related("product", "warehouse", "location")
    qs, f = filtersets.apply(filtersets.StockFilter, request.GET, qs)
    return qs.order_by("product__sku", "warehouse__priority"), f


@module_required(M, ["inventory.view_stock"])
def stock(request: HttpRequest) -> HttpResponse:
    qs, filters = stock_queryset(request)
    if request.GET.get("export") == "xlsx":
        return _xlsx(excel.STOCK_EXPORT_COLUMNS, excel.stock_rows(qs), "stock", "stock")
    totals = qs.aggregate(
        t_on_hand=Sum("on_hand"),
        t_reserved=Sum("reserved"),
        t_in_transit=Sum("in_transit"),
        t_value=Sum(ExpressionWrapper(F("on_hand") * F("product__unit_cost"), output_field=DecimalField())),
    )
    return render(
        request,
        "inventory/stock.html",
        {
            "page": _page(request, qs),
            "filters": filters,
            "totals": totals,
            "warehouses": Warehouse.objects.restrict(request.user),
            "querystring": _query_without_page(request),
            "receive_form": ReceiveForm(user=request.user, prefix="r"),
            "adjust_form": AdjustForm(user=request.user, prefix="a"),
            "can_move": request.user.has_perm("inventory.add_stockmove"),
        },
    )


def _stock_change(request: HttpRequest, form_class: Any, prefix: str, kind: str) -> HttpResponse:
    form = form_class(request.POST, user=request.user, prefix=prefix)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if kind == "receive":
                actions.receive(
                    product_id=d["sku"].pk,
                    warehouse_id=d["warehouse"].pk,
                    quantity=d["quantity"],
                    actor=_actor(request),
                    reason=d["reason"],
                    location_id=d["location_obj"].pk if d.get("location_obj") else None,
                )
                messages.success(
                    request,
                    _("Received %(q)s x %(sku)s into %(w)s.")
                    % {"q": d["quantity"], "sku": d["sku"].sku, "w": d["warehouse"].code},
                )
            else:
                actions.adjust(
                    product_id=d["sku"].pk,
                    warehouse_id=d["warehouse"].pk,
                    quantity=d["quantity"],
                    actor=_actor(request),
                    reason=d["reason"],
                )
                messages.success(request, _("Adjusted %(sku)s by %(q)s.") % {"q": d["quantity"], "sku": d["sku"].sku})
        except ValidationError as exc:
            _errors(request, exc)
        except InsufficientStock as exc:
            messages.error(request, str(exc))
    else:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errs:
                messages.error(request, f"{label}: {e}" if label else e)
    return redirect(safe_next(request, reverse("inventory:stock")))


@require_POST
@module_required(M, ["inventory.add_stockmove"])
def stock_receive(request: HttpRequest) -> HttpResponse:
    return _stock_change(request, ReceiveForm, "r", "receive")


@require_POST
@module_required(M, ["inventory.add_stockmove"])
def stock_adjust(request: HttpRequest) -> HttpResponse:
    return _stock_change(request, AdjustForm, "a", "adjust")


@require_POST
@module_required(M, ["inventory.add_stockmove"])
def stock_import(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an Excel file to import."))
        return redirect("inventory:products")
    result = excel.import_stock_levels(
        form.cleaned_data["file"].read(),
        _actor(request),
        reason=_("Stock levels imported from %(name)s") % {"name": safe_name(form.cleaned_data["file"].name)},
        warehouses=Warehouse.objects.restrict(request.user),
    )
    _import_messages(request, result)
    return redirect("inventory:products")


def _import_messages(request: HttpRequest, result: excel.ImportResult) -> None:
    if result.ok:
        messages.success(
            request, _("Import done: %(c)s created, %(u)s updated.") % {"c": result.created, "u": result.updated}
        )
        return
    messages.error(request, _("Nothing was imported; fix these rows and try again."))
    for row, msg in result.errors[:30]:
        messages.error(request, _("Row %(row)s: %(msg)s") % {"row": row, "msg": msg})
    if len(result.errors) > 30:
        messages.error(request, _("... and %(n)s more rows.") % {"n": len(result.errors) - 30})


# --- products ---


@module_required(M, ["inventory.view_product"])
def products(request: HttpRequest) -> HttpResponse:
    qs, f = filtersets.apply(
        filtersets.ProductFilter, request.GET, Product.objects.all().prefetch_related("components__component")
    )
    q, kind = f["q"], f["kind"]
    if request.GET.get("export") == "xlsx":
        return _xlsx(excel.PRODUCT_COLUMNS, excel.product_rows(qs), "products", "products")
    return render(
        request,
        "inventory/products.html",
        {
            "page": _page(request, qs),
            "q": q,
            "kind": kind,
            "querystring": _query_without_page(request),
            "upload_form": UploadForm(),
            "can_import": request.user.has_perm("inventory.change_product"),
            "can_import_stock": request.user.has_perm("inventory.add_stockmove"),
        },
    )


@require_POST
@module_required(M, ["inventory.change_product", "inventory.add_product"])
def products_import(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an Excel file to import."))
    else:
        _import_messages(request, excel.import_products(form.cleaned_data["file"].read()))
    return redirect("inventory:products")


# --- ledger ---


@module_required(M, ["inventory.view_stockmove"])
def moves(request: HttpRequest) -> HttpResponse:
    qs = StockMove.objects.restrict(request.user).select_related("product", "warehouse")
    qs, f = filtersets.apply(filtersets.MoveFilter, request.GET, qs)
    if ":" in f["ref"]:  # the filter leaves out an id it cannot use; say so
        errors: dict[str, str] = {}
        bounded.lenient(
            bounded.integer, {"ref": f["ref"].partition(":")[2]}, "ref", errors, low=0, high=bounded.BIGINT_MAX
        )
        for reason in errors.values():
            messages.warning(request, reason)
    if request.GET.get("export") == "xlsx":
        return _xlsx(
            [
                "time",
                "kind",
                "sku",
                "warehouse",
                "quantity",
                "on_hand",
                "reserved",
                "in_transit",
                "ref",
                "reason",
                "by",
            ],
            (
                [
                    timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    m.kind,
                    m.product.sku,
                    m.warehouse.code,
                    m.quantity,
                    m.d_on_hand,
                    m.d_reserved,
                    m.d_in_transit,
                    f"{m.ref_type}:{m.ref_id}" if m.ref_type else "",
                    m.reason,
                    m.actor_name,
                ]
                for m in qs[:50000].iterator(2000)
            ),
            "moves",
            "stock-moves",
        )
    return render(
        request,
        "inventory/moves.html",
        {
            "page": _page(request, qs),
            "filters": f,
            "kinds": MoveKind.choices,
            "warehouses": Warehouse.objects.restrict(request.user),
            "querystring": _query_without_page(request),
        },
    )


# --- alerts and thresholds ---


@module_required(M, ["inventory.view_stockthreshold", "monitoring.view_alert"])
def alerts(request: HttpRequest) -> HttpResponse:
    """The SKU x warehouse pairs below their threshold ("low_stock" alerts) and the thresholds."""
    from oms.monitoring import selectors as alert_selectors
    from oms.monitoring.kinds import ACTIVE_STATES, AlertKind, AlertState

    state = request.GET.get("state", "open")
    qs = alert_selectors.for_user(request.user).filter(kind=AlertKind.LOW_STOCK)
    if state == "open":
        qs = qs.filter(state__in=ACTIVE_STATES)
    elif state == "cleared":
        qs = qs.filter(state=AlertState.RESOLVED)
    page = _page(request, qs)
    keys = [(a.subject_id, a.warehouse_id) for a in page]
    products = Product.objects.in_bulk({p for p, _w in keys})
    warehouses = Warehouse.objects.in_bulk({w for _p, w in keys})
    avail: dict[tuple[int, int], int] = {}
    if keys:
        avail = {
            (s.product_id, s.warehouse_id): s.available
            for s in Stock.objects.filter(product_id__in={k[0] for k in keys}, warehouse_id__in={k[1] for k in keys})
        }
    for a in page:
        a.product = products.get(a.subject_id)
        a.warehouse = warehouses.get(a.warehouse_id)
        a.now_available = avail.get((a.subject_id, a.warehouse_id), 0)
    thresholds, shown = filtersets.apply(
        filtersets.ThresholdFilter,
        request.GET,
        StockThreshold.objects.restrict(request.user).select_related("product", "warehouse"),
    )
    tq = shown["tq"]
    return render(
        request,
        "inventory/alerts.html",
        {
            "page": page,
            "state": state,
            "thresholds": thresholds[:200],
            "tq": tq,
            "form": ThresholdForm(user=request.user),
            "can_edit": request.user.has_perm("inventory.change_stockthreshold"),
        },
    )


@require_POST
@module_required(M, ["inventory.change_stockthreshold"])
def threshold_set(request: HttpRequest) -> HttpResponse:
    form = ThresholdForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        if not Warehouse.objects.restrict(request.user).filter(pk=d["warehouse"].pk).exists():
            raise PermissionDenied
        try:
            actions.set_threshold(
                product_id=d["sku"].pk,
                warehouse_id=d["warehouse"].pk,
                minimum=d["minimum"],
                target=d["target"],
                actor=_actor(request),
            )
            messages.success(request, _("Threshold saved."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
    return redirect("inventory:alerts")


# --- analysis ---


def _period(request: HttpRequest) -> tuple[datetime, datetime, Any, Any]:
    today = timezone.localdate()
    end_d = parse_date(request.GET.get("end", "") or "") or today
    start_d = parse_date(request.GET.get("start", "") or "") or (end_d - timedelta(days=30))
    if start_d >= end_d:
        start_d = end_d - timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = datetime.combine(start_d, time.min, tzinfo=tz)
    end = min(datetime.combine(end_d, time.max, tzinfo=tz), timezone.now())
    return start, end, start_d, end_d


@module_required(M, ["inventory.view_stock"])
def analysis_view(request: HttpRequest) -> HttpResponse:
    start, end, start_d, end_d = _period(request)
    stock_qs = Stock.objects.restrict(request.user)
    warehouse = request.GET.get("warehouse", "")
    if warehouse:
        stock_qs = stock_qs.filter(warehouse__code=warehouse)
    rows = analysis.turnover(start, end, stock_qs)
    moving = sorted((r for r in rows if r.turnover), key=lambda r: -(r.turnover or 0))
    cover_rows = analysis.cover(stock_qs)
    over = analysis.overstock(cover_rows)
    slow = analysis.slow_movers(cover_rows)
    suggestions = sorted((r for r in cover_rows if r.suggestion > 0), key=lambda r: -r.suggestion)
    return render(
        request,
        "inventory/analysis.html",
        {
            "start": start_d,
            "end": end_d,
            "warehouse": warehouse,
            "warehouses": Warehouse.objects.restrict(request.user),
            "turnover_rows": moving[:100],
            "idle_count": len(rows) - len(moving),
            "turnover_chart": analysis.bar_chart([(f"{r.sku} @{r.warehouse}", r.turnover or 0) for r in moving[:15]]),
            "doi_chart": analysis.bar_chart(
                [(f"{r.sku} @{r.warehouse}", r.days_of_inventory or 0) for r in moving[:15]], " d"
            ),
            "overstock": over[:100],
            "slow": slow[:100],
            "suggestions": suggestions[:100],
        },
    )


# --- transfer plans ---


@module_required(M, ["inventory.view_transferplan"])
def transfers(request: HttpRequest) -> HttpResponse:
    qs, shown = filtersets.apply(filtersets.TransferFilter, request.GET, TransferPlan.objects.restrict(request.user))
    status = shown["status"]
    return render(
        request,
        "inventory/transfers.html",
        {
            "page": _page(request, qs),
            "status": status,
            "statuses": TransferStatus.choices,
            "can_edit": request.user.has_perm("inventory.change_transferplan"),
        },
    )


@require_POST
@module_required(M, ["inventory.add_transferplan"])
def transfer_propose(request: HttpRequest) -> HttpResponse:
    plan = actions.propose_transfer_plan(
        actor=_actor(request), note=request.POST.get("note", ""), warehouse_ids=scopes.warehouse_ids(request.user)
    )
    if plan is None:
        messages.info(request, _("Nothing needs to move: no warehouse is short that another can supply."))
        return redirect("inventory:transfers")
    messages.success(request, _("Proposed plan %(n)s.") % {"n": plan.number})
    return redirect("inventory:transfer", pk=plan.pk)


@module_required(M, ["inventory.view_transferplan"])
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(TransferPlan.objects.restrict(request.user), pk=pk)
    if request.method == "POST":
        if not request.user.has_perm("inventory.change_transferplan"):
            raise PermissionDenied
        return _transfer_post(request, plan)
    # A limited user sees the lines that leave from or arrive at their warehouses, and how many others.
    lines = list(
        TransferLine.objects.restrict(request.user).filter(plan=plan).select_related("product", "source", "destination")
    )
    may_change = request.user.has_perm("inventory.change_transferplan")
    return render(
        request,
        "inventory/transfer_detail.html",
        {
            "plan": plan,
            "lines": lines,
            "events": _labelled(plan.events.all()),
            "next_actions": sorted(workflow.TRANSFERS.allowed_actions(plan.status, request.user)),
            "editable": plan.status in workflow.EDITABLE,
            "line_form": TransferLineForm(user=request.user),
            "can_edit": may_change and scopes.may_decide(request.user, plan),
            "can_dispatch": may_change and scopes.may_dispatch(request.user, plan),
            "receivable": scopes.receivable(request.user, plan) if may_change else set(),
            "hidden_lines": plan.lines.count() - len(lines),
            "outstanding": sum(ln.outstanding for ln in lines),
        },
    )


EVENT_LABELS = {
    "proposed": gettext_lazy("Proposed"),
    "line_edited": gettext_lazy("Line changed"),
    "line_added": gettext_lazy("Line added"),
    "line_removed": gettext_lazy("Line removed"),
    "approve_transfer": pgettext_lazy("transfer event", "Approved"),
    "reopen_transfer": gettext_lazy("Back to draft"),
    "cancel_transfer": gettext_lazy("Cancelled"),
    "dispatch_transfer": gettext_lazy("Dispatched"),
    "receive_transfer": pgettext_lazy("transfer event", "Received"),
    "close_transfer": gettext_lazy("Closed with difference"),
}


def _labelled(events: Any) -> list[Any]:
    out = []
    for e in events:
        e.label = EVENT_LABELS.get(e.type, e.type)
        e.status_label = TransferStatus(e.status_to).label if e.status_to in TransferStatus.values else ""
        out.append(e)
    return out


def _transfer_post(request: HttpRequest, plan: TransferPlan) -> HttpResponse:
    op = request.POST.get("op", "")
    actor = _actor(request)
    received_ids = [int(k[4:]) for k in request.POST if k.startswith("rcv-") and k[4:].isdigit()]
    scopes.ensure_plan_action(request.user, plan, op, received_ids)
    try:
        if op == "edit":
            for key, value in request.POST.dict().items():
                if key.startswith("qty-"):
                    line_id = int(key[4:])
                    qty = int(value or 0)
                    current = plan.lines.filter(pk=line_id).values_list("quantity", flat=True).first()
                    if current is not None and current != qty:
                        actions.edit_transfer_line(line_id=line_id, quantity=qty, actor=actor)
            messages.success(request, _("Plan saved."))
        elif op == "add":
            form = TransferLineForm(request.POST, user=request.user)
            if not form.is_valid():
                for errs in form.errors.values():
                    for e in errs:
                        messages.error(request, str(e))
            else:
                d = form.cleaned_data
                actions.add_transfer_line(
                    plan_id=plan.pk,
                    source_id=d["source"].pk,
                    destination_id=d["destination"].pk,
                    product_id=d["sku"].pk,
                    quantity=d["quantity"],
                    actor=actor,
                )
                messages.success(request, _("Line added."))
        elif op == "receive":
            received = {
                int(k[4:]): int(v)
                for k, v in request.POST.dict().items()
                if k.startswith("rcv-") and v.strip() not in ("", "0")
            }
            plan = actions.receive_transfer(plan.pk, received, actor)
            messages.success(request, _("Receipt recorded; plan is %(s)s.") % {"s": plan.get_status_display()})
        elif op in ("approve_transfer", "reopen_transfer", "dispatch_transfer"):
            plan = getattr(actions, op)(plan.pk, actor)
            messages.success(request, _("Plan is now %(s)s.") % {"s": plan.get_status_display()})
        elif op in ("cancel_transfer", "close_transfer"):
            plan = getattr(actions, op)(plan.pk, actor, reason=request.POST.get("reason", ""))
            messages.success(request, _("Plan is now %(s)s.") % {"s": plan.get_status_display()})
        else:
            messages.error(request, _("Unknown operation."))
    except ValueError:
        messages.error(request, _("Enter whole numbers."))
    except ValidationError as exc:
        _errors(request, exc)
    except InsufficientStock as exc:
        messages.error(request, str(exc))
    return redirect("inventory:transfer", pk=plan.pk)


# --- stocktakes ---


@module_required(M, ["inventory.view_count"])
def counts(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.has_perm("inventory.add_count"):
            raise PermissionDenied
        warehouse = get_object_or_404(Warehouse.objects.restrict(request.user), pk=request.POST.get("warehouse"))
        try:
            count = actions.open_count(warehouse_id=warehouse.pk, actor=_actor(request))
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("inventory:counts")
        return redirect("inventory:count", pk=count.pk)
    qs = Count.objects.restrict(request.user).select_related("warehouse")
    return render(
        request,
        "inventory/counts.html",
        {"page": _page(request, qs), "warehouses": Warehouse.objects.restrict(request.user).filter(active=True)},
    )


@module_required(M, ["inventory.view_count"])
def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    count = get_object_or_404(Count.objects.restrict(request.user), pk=pk)
    if request.method == "POST":
        if not request.user.has_perm("inventory.change_count"):
            raise PermissionDenied
        try:
            counted = {
                int(k[2:]): int(v)
                for k, v in request.POST.dict().items()
                if k.startswith("c-") and str(v).strip() != ""
            }
            actions.record_counts(count_id=count.pk, counted=counted, actor=_actor(request))
            if request.POST.get("op") == "post":
                moves = actions.post_count(
                    count_id=count.pk,
                    actor=_actor(request),
                    reason=request.POST.get("reason", ""),
                    confirm_moved=request.POST.get("confirm_moved") == "1",
                )
                messages.success(request, _("Posted %(n)s differences.") % {"n": len(moves)})
            else:
                messages.success(request, _("Counts saved."))
        except ValueError:
            messages.error(request, _("Enter whole numbers."))
        except (ValidationError, InsufficientStock) as exc:
            _errors(request, exc) if isinstance(exc, ValidationError) else messages.error(request, str(exc))
        return redirect("inventory:count", pk=count.pk)
    lines = list(count.lines.select_related("product"))
    if count.status == "open":
        status = actions.count_status(count)
        for ln in lines:
            ln.on_hand_now = status[ln.product_id]["on_hand"]
            ln.moved = status[ln.product_id]["moved"]
            ln.to_post = None if ln.counted is None else ln.counted - ln.on_hand_now
    return render(
        request,
        "inventory/count_detail.html",
        {"count": count, "lines": lines, "moved": any(getattr(ln, "moved", False) for ln in lines)},
    )


# --- routing decision (included by the order detail page) ---


def routing_context(order: Any, user: Any) -> dict[str, Any]:
    """What `inventory/routing_decision.html` needs for one order. A user limited to some warehouses sees
    the reservations and proposals in those only, and may override only when the order holds no stock
    elsewhere (inventory.scopes)."""
    active = Reservation.objects.filter(order=order, state="active")
    held = list(active.restrict(user).select_related("product", "warehouse", "line"))
    held_elsewhere = active.count() - len(held)
    decision = None if held or held_elsewhere else routing.decide_for_order(order)
    names = {w.pk: w for w in Warehouse.objects.restrict(user)}
    products = {}
    if decision is not None:
        products = {p.pk: p for p in Product.objects.filter(pk__in={a.product_id for a in decision.allocations})}
        products.update({p.pk: p for p in Product.objects.filter(pk__in=decision.shortages)})
    proposal = [
        {
            "line": a.line_id,
            "product": products.get(a.product_id),
            "warehouse": names.get(a.warehouse_id),
            "quantity": a.quantity,
        }
        for a in (decision.allocations if decision else [])
        if a.warehouse_id in names
    ]
    candidates = [w for w in names.values() if w.active and w.covers(order.province)]
    from oms.orders.models import OrderEvent

    last = (
        OrderEvent.objects.filter(order=order, type__in=["stock_reserved", "routing_overridden"])
        .order_by("-pk")
        .first()
    )
    return {
        "order": order,
        "held": held,
        "decision": decision,
        "proposal": proposal,
        "shortages": [(products.get(p), q) for p, q in (decision.shortages.items() if decision else [])],
        "candidates": candidates,
        "lines": list(order.lines.all()),
        "last_event": last,
        "held_elsewhere": held_elsewhere,
        "can_override": user.has_perm("inventory.override_routing") and not held_elsewhere,
    }


@module_required(M, ["inventory.view_reservation"])
def routing_view(request: HttpRequest, order_id: int) -> HttpResponse:
    from oms.orders.models import Order

    order = get_object_or_404(Order.objects.restrict(request.user), pk=order_id)
    if request.method == "POST":
        if not request.user.has_perm("inventory.override_routing"):
            raise PermissionDenied
        try:
            chosen = {
                line: units
                for k, v in request.POST.dict().items()
                if k.startswith("wh-")
                and (line := bounded.id_or_none(k[3:])) is not None
                and (units := bounded.id_or_none(v, high=validators.INT_MAX)) is not None
            }
            scopes.ensure_routing_override(request.user, order.pk, chosen.values())
            actions.override_routing(order.pk, _actor(request), chosen, request.POST.get("reason", ""))
            messages.success(request, _("Routing overridden."))
        except (ValidationError, InsufficientStock, ValueError) as exc:
            if isinstance(exc, ValidationError):
                _errors(request, exc)
            else:
                messages.error(request, str(exc))
        return redirect(safe_next(request, reverse("inventory:routing", args=[order.pk])))
    template = "inventory/routing_decision.html" if request.headers.get("HX-Request") else "inventory/routing_page.html"
    return render(request, template, routing_context(order, request.user))
