"""Orders console: list (filters, counts, saved views, bulk actions, export), detail, correction,
manual entry, classification rules. Views parse input and call actions; reads go through restrict()."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.core import bounded, personal
from oms.core.actor import Actor
from oms.core.exports import spreadsheet
from oms.core.permissions import module_required
from oms.core.redirects import safe_next
from oms.core.scoping import get_in_scope_or_404
from oms.core.validators import cities_of, districts_of, mask_id_card, mask_phone, provinces, resolve_address
from oms.monitoring import selectors as alert_selectors
from oms.monitoring.kinds import AlertKind
from oms.orders import actions, rules, selectors, workflow
from oms.orders import events as order_events
from oms.orders.choices import STATUS_COLOURS, OrderStatus, OrderType
from oms.orders.forms import (
    ClassificationRuleForm,
    CorrectionForm,
    LineFormSet,
    ManualOrderForm,
    SavedViewForm,
)
from oms.orders.incoming import IncomingAddress, IncomingLine, IncomingOrder
from oms.orders.intake import ingest
from oms.orders.models import ClassificationRule, Order, SavedView

PAGE_SIZE = 50
COLOURS: dict[str, str] = {str(k): v for k, v in STATUS_COLOURS.items()}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _CountedPaginator(Paginator):
    """A paginator told its count (already known from selectors.list_counts): no second COUNT(*)."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


def _class_labels() -> list[str]:
    labels: list[str] = []
    for label in ClassificationRule.objects.filter(active=True).values_list("label", flat=True):
        if "{" not in label and label not in labels:
            labels.append(label)
    return labels


def _list_context(request: HttpRequest, forced_status: str = "") -> dict[str, Any]:
    from oms.channels.models import Channel

    params = request.GET.copy()
    if forced_status:
        params.setlist("status", [forced_status])
    flt = selectors.OrderFilter.from_params(params)
    for reason in flt.errors.values():  # the filter ignored these values; say why
        messages.warning(request, reason)
    base = selectors.orders_for(request.user)
    list_counts = selectors.list_counts(request.user, flt)
    counts = list_counts.statuses
    total = list_counts.total
    rows_needed = PAGE_SIZE * (bounded.lenient(bounded.integer, request.GET, "page", {}, low=1) or 1)
    rows_qs = selectors.list_orders(request.user, flt, rows_needed).values(*selectors.LIST_FIELDS)
    paginator = _CountedPaginator(rows_qs, PAGE_SIZE, total)
    page = paginator.get_page(request.GET.get("page"))
    can_see = selectors.can_see_personal_data(request.user)
    rows = [selectors.mask_row(dict(r), can_see) for r in page.object_list]
    for r in rows:
        r["status_label"] = OrderStatus(r["status"]).label
        r["status_colour"] = COLOURS.get(r["status"], "secondary")
    labels = _class_labels()
    query = params.copy()
    query.pop("page", None)
    return {
        "filter": flt,
        "rows": rows,
        "page": page,
        "total": total,
        "status_counts": [
            (s, label, counts.get(s, 0), COLOURS.get(s, "secondary"))
            for s, label in OrderStatus.choices
            if counts.get(s, 0) or s in flt.statuses
        ],
        "all_count": list_counts.all,
        "class_counts": list_counts.classes(labels),
        "channels": Channel.objects.restrict(request.user).only("pk", "code", "name"),
        "types": OrderType.choices,
        "statuses": OrderStatus.choices,
        "query": query.urlencode(),
        "query_without_status": urlencode([(k, val) for k, vals in query.lists() for val in vals if k != "status"]),
        "saved_views": SavedView.objects.filter(user_id=int(request.user.pk or 0)),
        "forced_status": forced_status,
        "can_correct": request.user.has_perm("orders.change_order"),
        "can_export": request.user.has_perm("orders.export_orders"),
        "alerts": alert_selectors.active_about(AlertKind.INTAKE_PROBLEMS, "orders.order", base.values("pk")).count()
        if forced_status == OrderStatus.INVALID
        else None,
    }


@module_required("orders", ["orders.view_order"])
def order_list(request: HttpRequest, forced_status: str = "") -> HttpResponse:
    if request.GET.get("export") == "xlsx":
        if not request.user.has_perm("orders.export_orders"):
            raise PermissionDenied
        params = request.GET.copy()
        if forced_status:
            params.setlist("status", [forced_status])
        qs = selectors.OrderFilter.from_params(params).apply(selectors.orders_for(request.user))
        return export_xlsx(request.user, qs)
    context = _list_context(request, forced_status)
    htmx = getattr(request, "htmx", None)
    template = "orders/_rows.html" if htmx and htmx.target == "order-rows" else "orders/list.html"
    return render(request, template, context)


@module_required("orders", ["orders.change_order"])
def invalid_list(request: HttpRequest) -> HttpResponse:
    return order_list(request, forced_status=OrderStatus.INVALID)


@module_required("orders", ["orders.change_order"])
def rejected_list(request: HttpRequest) -> HttpResponse:
    return order_list(request, forced_status=OrderStatus.REJECTED)


@require_POST
@module_required("orders", ["orders.view_order"])
def bulk_action(request: HttpRequest) -> HttpResponse:
    ids = bounded.ids(request.POST.getlist("ids"))
    action = request.POST.get("action", "")
    back = safe_next(request, reverse("orders:list"))
    if not ids:
        messages.warning(request, _("Select at least one order first."))
        return redirect(back)
    qs = selectors.orders_for(request.user).filter(pk__in=ids)
    if action == "export":
        if not request.user.has_perm("orders.export_orders"):
            raise PermissionDenied
        return export_xlsx(request.user, qs)
    if action == "resubmit":
        if not workflow.may_command(request.user, "resubmit"):
            raise PermissionDenied
        actor = Actor.from_request(request)
        done = still_invalid = refused = 0
        for order_id in qs.filter(status__in=[OrderStatus.INVALID, OrderStatus.REJECTED]).values_list("pk", flat=True):
            try:
                order = actions.resubmit_order(order_id=order_id, actor=actor)
            except workflow.TransitionNotAllowed:
                refused += 1
                continue
            if order.status == OrderStatus.PENDING_REVIEW:
                done += 1
            else:
                still_invalid += 1
        messages.success(
            request,
            _("%(done)s orders passed the checks and wait for review; %(bad)s still have problems.")
            % {"done": done, "bad": still_invalid},
        )
        if refused:
            messages.warning(request, _("%(n)s orders could not be resubmitted by your role.") % {"n": refused})
        return redirect(back)
    messages.error(request, _("Unknown action."))
    return redirect(back)


EXPORT_HEADERS = [
    ("number", _("Order number")),
    ("channel__code", _("Channel")),
    ("external_number", _("External number")),
    ("status", _("Status")),
    ("order_type", _("Order type")),
    ("classes", _("Classes")),
    ("customer_name", _("Customer name")),
    ("customer_phone", _("Phone")),
    ("province", _("Province")),
    ("city", _("City")),
    ("district", _("District")),
    ("address_detail", _("Street address")),
    ("goods_amount", _("Goods amount")),
    ("shipping_amount", _("Shipping fee")),
    ("discount_amount", _("Discount")),
    ("total_amount", _("Total")),
    ("paid_amount", _("Paid")),
    ("currency", _("Currency")),
    ("tracking_number", _("Tracking number")),
    ("placed_at", _("Placed at")),
    ("created_at", _("Received at")),
]


def export_xlsx(user: Any, qs: Any) -> Any:
    """The orders of `qs` (already restricted) as .xlsx through the export helper: rows streamed from
    the database in chunks into a write-only workbook spooled to disk (bounded memory)."""
    can_see = selectors.can_see_personal_data(user)
    fields = [f for f, _h in EXPORT_HEADERS]
    statuses = dict(OrderStatus.choices)

    def rows() -> Iterator[list[Any]]:
        for row in qs.order_by("-created_at", "-pk").values(*fields).iterator(chunk_size=2000):
            row = selectors.mask_row(row, can_see)
            row["status"] = str(statuses.get(row["status"], row["status"]))
            row["classes"] = "、".join(order_events.class_labels(row["classes"] or []))
            for key in ("placed_at", "created_at"):
                if row[key] is not None:
                    row[key] = timezone.localtime(row[key]).replace(tzinfo=None)
            yield [row[f] for f in fields]

    name = f"orders-{timezone.localtime():%Y%m%d-%H%M}"
    return spreadsheet("xlsx", name, [h for _f, h in EXPORT_HEADERS], rows(), title="orders")


@require_POST
@module_required("orders", ["orders.view_order"])
def saved_view_save(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if form.is_valid():
        SavedView.objects.update_or_create(
            user_id=int(request.user.pk or 0),
            name=form.cleaned_data["name"],
            defaults={"query": form.cleaned_data["query"]},
        )
        messages.success(request, _("View “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
        return redirect(f"{reverse('orders:list')}?{form.cleaned_data['query']}")
    messages.error(request, _("Give the view a name."))
    return redirect("orders:list")


@require_POST
@module_required("orders", ["orders.view_order"])
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(SavedView, pk=pk, user_id=int(request.user.pk or 0)).delete()
    messages.success(request, _("View deleted."))
    return redirect("orders:list")


# --- detail -----------------------------------------------------------------------------------


@module_required("orders", ["orders.view_order"])
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_in_scope_or_404(Order.objects.select_related("channel", "warehouse"), request.user, pk=pk)
    can_see = selectors.can_see_personal_data(request.user)
    events = list(order.events.order_by("created_at", "pk"))
    statuses = dict(OrderStatus.choices)
    for e in events:
        e.payload = personal.mask_payload(e.payload, can_see)  # a correction's before/after values
        e.shown = order_events.render(e)  # type: ignore[attr-defined]
        e.from_label = statuses.get(e.status_from, e.status_from)  # type: ignore[attr-defined]
        e.to_label = statuses.get(e.status_to, e.status_to)  # type: ignore[attr-defined]
    problems = personal.mask_payload(order.problems or [], can_see)  # "phone “…” is not valid"
    deliveries = list(order.deliveries.all()[:20]) if hasattr(order, "deliveries") else []
    for d in deliveries:  # the raw body as received (bytes), shown as text
        body = bytes(getattr(d, "body", b"") or b"")
        text = body[:20000].decode("utf-8", "replace")
        d.body_text = text if can_see else personal.mask_text(text)  # type: ignore[attr-defined]
    may_correct = "resubmit_order" in workflow.allowed_actions(order.status, request.user)
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "phone": order.customer_phone if can_see else mask_phone(order.customer_phone),
            "id_card": order.customer_id_card if can_see else mask_id_card(order.customer_id_card),
            "lines": order.lines.select_related("product").all(),
            "events": events,
            "checks": rules.check_results(problems),
            "problems": [rules.Problem.from_dict(p) for p in problems],
            "deliveries": deliveries,
            "status_colour": COLOURS.get(order.status, "secondary"),
            "may_correct": may_correct,
            "can_copy": request.user.has_perm("orders.add_order"),
            "status_labels": dict(OrderStatus.choices),
        },
    )


# --- correction -------------------------------------------------------------------------------


def _line_initial(order: Order) -> list[dict[str, Any]]:
    return [{f: getattr(ln, f) for f in actions.LINE_FIELDS} for ln in order.lines.all()]


@module_required("orders", ["orders.change_order"])
def order_correct(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_in_scope_or_404(Order.objects.select_related("channel"), request.user, pk=pk)
    actor = Actor.from_request(request)
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        lines = LineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            note = data.pop("note")
            line_data = [f.cleaned_data for f in lines.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                with transaction.atomic():
                    order = actions.correct_order(
                        order_id=order.pk, actor=actor, version=version, changes=data, lines=line_data, note=note
                    )
                    if "resubmit" in request.POST:
                        order = actions.resubmit_order(order_id=order.pk, actor=actor)
            except actions.StaleVersion as exc:
                form.add_error(None, str(exc))
            except workflow.TransitionNotAllowed as exc:
                messages.error(request, str(exc))
                return redirect("orders:detail", pk=order.pk)
            else:
                if "resubmit" not in request.POST:
                    messages.success(request, _("Corrections saved."))
                elif order.status == OrderStatus.PENDING_REVIEW:
                    messages.success(request, _("The order passed every check and now waits for review."))
                else:
                    messages.warning(request, _("The order still has problems; see the checks below."))
                return redirect("orders:detail", pk=order.pk)
    else:
        initial = {name: getattr(order, name) for name in CorrectionForm.base_fields if hasattr(order, name)}
        initial["version"] = order.version
        form = CorrectionForm(initial=initial)
        lines = LineFormSet(prefix="lines", initial=_line_initial(order))
    return render(
        request,
        "orders/correct.html",
        {
            "order": order,
            "form": form,
            "lines": lines,
            "problems": [rules.Problem.from_dict(p) for p in order.problems],
        },
    )


@require_POST
@module_required("orders", workflow.command_permissions("resubmit"))
def order_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_in_scope_or_404(Order, request.user, pk=pk)
    try:
        order = actions.resubmit_order(
            order_id=order.pk, actor=Actor.from_request(request), version=_int(request.POST.get("version"))
        )
    except (workflow.TransitionNotAllowed, actions.StaleVersion) as exc:
        messages.error(request, str(exc))
    else:
        if order.status == OrderStatus.PENDING_REVIEW:
            messages.success(request, _("The order passed every check and now waits for review."))
        else:
            messages.warning(request, _("The order still has problems; see the checks below."))
    return redirect("orders:detail", pk=order.pk)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- manual entry -----------------------------------------------------------------------------


def _manual_channels(user: Any) -> Any:
    from oms.channels.models import Channel

    return Channel.objects.restrict(user).filter(active=True)


@module_required("orders", workflow.permissions_for("intake_order"))
def order_new(request: HttpRequest) -> HttpResponse:
    channels = _manual_channels(request.user)
    if request.method == "POST":
        form = ManualOrderForm(request.POST, channels=channels)
        lines = LineFormSet(request.POST, prefix="lines")
        token = request.POST.get("token") or uuid.uuid4().hex
        if form.is_valid() and lines.is_valid():
            incoming = _incoming_from_form(form.cleaned_data, lines, token)
            if not incoming.lines:
                form.add_error(None, _("Add at least one line."))
            else:
                result = ingest(
                    channel=form.cleaned_data["channel"],
                    incoming=incoming,
                    actor=Actor.from_request(request),
                    source="manual",
                )
                if result.outcome == "unchanged":
                    messages.info(request, _("This order was already saved."))
                elif result.problems:
                    messages.warning(
                        request,
                        _("Order %(n)s saved, but it has problems to correct.")
                        % {"n": result.order.number if result.order else ""},
                    )
                else:
                    messages.success(
                        request,
                        _("Order %(n)s saved; it waits for review.")
                        % {"n": result.order.number if result.order else ""},
                    )
                return redirect("orders:detail", pk=result.order.pk if result.order else 0)
    else:
        token = uuid.uuid4().hex
        initial: dict[str, Any] = {}
        line_initial: list[dict[str, Any]] = []
        manual = channels.filter(platform="manual").first()
        if manual:
            initial["channel"] = manual.pk
        copy_of = _int(request.GET.get("copy"))
        if copy_of:
            source = get_in_scope_or_404(Order, request.user, pk=copy_of)
            for name in ManualOrderForm.base_fields:
                if hasattr(source, name) and name not in ("channel", "external_number"):
                    initial[name] = getattr(source, name)
            initial["channel"] = source.channel_id
            line_initial = [
                {
                    "sku": ln.sku or ln.platform_sku,
                    "name": ln.name,
                    "quantity": ln.quantity,
                    "unit_price": ln.unit_price,
                }
                for ln in source.lines.all()
            ]
        form = ManualOrderForm(initial=initial, channels=channels)
        lines = LineFormSet(prefix="lines", initial=line_initial)
    return render(
        request,
        "orders/new.html",
        {"form": form, "lines": lines, "token": token, "provinces": provinces()},
    )


def _incoming_from_form(data: dict[str, Any], lines: Any, token: str) -> IncomingOrder:
    from oms.inventory.models import Product

    rows = [f.cleaned_data for f in lines.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    rows = [r for r in rows if (r.get("sku") or r.get("platform_sku") or "").strip()]
    skus = {(r.get("sku") or r.get("platform_sku")).strip() for r in rows}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    incoming_lines = []
    for r in rows:
        sku = (r.get("sku") or r.get("platform_sku")).strip()
        product = products.get(sku)
        price = r.get("unit_price")
        if price is None:
            price = product.list_price if product else Decimal("0")
        incoming_lines.append(
            IncomingLine(
                platform_sku=sku,
                name=r.get("name") or (product.name if product else sku),
                quantity=int(r.get("quantity") or 0),
                unit_price=price,
                spec=r.get("spec") or "",
            )
        )
    address = IncomingAddress(
        province=data["province"],
        city=data["city"],
        district=data["district"],
        detail=data["address_detail"],
        postcode=data["postcode"],
        raw=data["address_text"],
    )
    return IncomingOrder(
        external_id=f"manual-{token}"[:100],
        external_number=data["external_number"],
        order_type=data["order_type"],
        customer_name=data["customer_name"],
        customer_phone=data["customer_phone"],
        customer_email=data["customer_email"],
        customer_id_card=data["customer_id_card"],
        address=address,
        lines=incoming_lines,
        buyer_note=data["buyer_note"],
        seller_note=data["seller_note"],
        shipping_amount=data["shipping_amount"],
        discount_amount=data["discount_amount"],
        paid_amount=data["paid_amount"],
        payment_method=data["payment_method"],
        payment_status=data["payment_status"],
        placed_at=timezone.now(),
    )


@module_required("orders", ["orders.add_order"])
def address_lookup(request: HttpRequest) -> HttpResponse:
    """HTMX: resolve a one-line address into province/city/district selects."""
    text = request.GET.get("address_text", "")
    province = request.GET.get("province", "")
    city = request.GET.get("city", "")
    district = request.GET.get("district", "")
    detail = request.GET.get("address_detail", "")
    found = resolve_address(text) if text.strip() else None
    if found:
        province, city, district = found.province, found.city, found.district
        detail = detail or found.rest
    return render(
        request,
        "orders/_address.html",
        {
            "province": province,
            "city": city,
            "district": district,
            "detail": detail,
            "provinces": provinces(),
            "cities": cities_of(province) if province else [],
            "districts": districts_of(province, city) if province and city else [],
            "resolved": found,
            "tried": bool(text.strip()),
        },
    )


@module_required("orders", ["orders.add_order"])
def product_search(request: HttpRequest) -> HttpResponse:
    """HTMX: products whose SKU or name starts with the text (options of a datalist)."""
    from django.db.models import Q

    from oms.inventory.models import Product

    q = (request.GET.get("q") or "").strip()
    if not q:  # the line's own input (lines-N-sku) as HTMX sends it
        q = next((str(v).strip() for k, v in request.GET.items() if k.endswith("-sku")), "")
    products = []
    if q:
        products = list(
            Product.objects.filter(Q(sku__istartswith=q) | Q(name__icontains=q), active=True).only(
                "sku", "name", "list_price"
            )[:20]
        )
    return render(request, "orders/_products.html", {"products": products})


# --- classification rules ---------------------------------------------------------------------


@module_required("orders", ["orders.view_classificationrule"])
def rule_list(request: HttpRequest) -> HttpResponse:
    can_edit = request.user.has_perm("orders.change_classificationrule")
    form = ClassificationRuleForm()
    if request.method == "POST":
        if not request.user.has_perm("orders.add_classificationrule"):
            raise PermissionDenied
        form = ClassificationRuleForm(request.POST)
        if form.is_valid():
            form.save()
            messages.success(request, _("Rule added. It applies to orders received from now on and to corrections."))
            return redirect("orders:rules")
    return render(
        request,
        "orders/rules.html",
        {"rules": ClassificationRule.objects.all(), "form": form, "can_edit": can_edit},
    )


@module_required("orders", ["orders.change_classificationrule"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ClassificationRule, pk=pk)
    if request.method == "POST":
        if "delete" in request.POST:
            if not request.user.has_perm("orders.delete_classificationrule"):
                raise PermissionDenied
            rule.delete()
            messages.success(request, _("Rule deleted."))
            return redirect("orders:rules")
        form = ClassificationRuleForm(request.POST, instance=rule)
        if form.is_valid():
            form.save()
            messages.success(request, _("Rule saved."))
            return redirect("orders:rules")
    else:
        form = ClassificationRuleForm(instance=rule)
    return render(request, "orders/rule_form.html", {"form": form, "rule": rule})
