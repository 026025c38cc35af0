"""Console pages for the inventory's administrative data: warehouses and their bins, transfer lanes,
shipping costs and kit composition. Views parse input, check permission and call oms.inventory.setup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.core import bounded
from oms.core.actor import Actor
from oms.core.permissions import module_required
from oms.inventory import scopes, setup
from oms.inventory.forms import KitComponentForm, LaneEditForm, LocationForm, ShippingCostForm, WarehouseForm
from oms.inventory.models import Lane, Location, Product, ShippingCost, Warehouse
from oms.inventory.views import _page, _query_without_page, _xlsx

M = "inventory"


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request)


def attach(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put an action's ValidationError next to the fields it names (the rest above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}: {e}" if label else str(e))


# --- warehouses ---


def _warehouse_list(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    qs = Warehouse.objects.restrict(request.user).annotate(bins=Count("locations")).order_by("priority", "code")
    f = {k: request.GET.get(k, "").strip() for k in ("q", "province", "active")}
    if f["q"]:
        qs = qs.filter(Q(code__icontains=f["q"]) | Q(name__icontains=f["q"]) | Q(city__icontains=f["q"]))
    if f["province"]:
        qs = qs.filter(province__icontains=f["province"])
    if f["active"] == "yes":
        qs = qs.filter(active=True)
    elif f["active"] == "no":
        qs = qs.filter(active=False)
    return qs, f


@module_required(M, ["inventory.view_warehouse"])
def warehouses(request: HttpRequest) -> HttpResponse:
    qs, filters = _warehouse_list(request)
    if request.GET.get("export") == "xlsx":
        headers = ["code", "name", "province", "city", "district", "address", "priority", "covered_provinces", "active"]
        rows = [
            [
                w.code,
                w.name,
                w.province,
                w.city,
                w.district,
                w.address,
                w.priority,
                ", ".join(w.covered_provinces),
                w.active,
            ]
            for w in qs
        ]
        return _xlsx(headers, rows, "warehouses", "warehouses")
    return render(
        request,
        "inventory/warehouses.html",
        {
            "page": _page(request, qs),
            "filters": filters,
            "querystring": _query_without_page(request),
            "can_add": request.user.has_perm("inventory.add_warehouse"),
            "can_change": request.user.has_perm("inventory.change_warehouse"),
        },
    )


@require_POST
def _bulk(request: HttpRequest) -> HttpResponse:
    active = request.POST.get("op") == "activate"
    ids = bounded.ids(request.POST.getlist("ids"))
    changed = 0
    for w in Warehouse.objects.restrict(request.user).filter(pk__in=ids).exclude(active=active):
        setup.set_warehouse_active(actor=_actor(request), pk=w.pk, active=active)
        changed += 1
    messages.success(request, _("%(n)s warehouses changed.") % {"n": changed})
    return redirect("inventory:warehouses")


warehouses_bulk = module_required(M, ["inventory.change_warehouse"])(_bulk)


def _warehouse_form_page(request: HttpRequest, instance: Warehouse | None) -> HttpResponse:
    form = WarehouseForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            w = setup.save_warehouse(
                actor=_actor(request), data=form.cleaned_data, pk=instance.pk if instance else None
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, _("Warehouse %(code)s saved.") % {"code": w.code})
            return redirect("inventory:warehouse", pk=w.pk)
    return render(request, "inventory/warehouse_form.html", {"form": form, "warehouse": instance})


@module_required(M, ["inventory.add_warehouse"])
def warehouse_new(request: HttpRequest) -> HttpResponse:
    return _warehouse_form_page(request, None)


@module_required(M, ["inventory.change_warehouse"])
def warehouse_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _warehouse_form_page(request, get_object_or_404(Warehouse.objects.restrict(request.user), pk=pk))


def _detail(
    request: HttpRequest, w: Warehouse, bin_form: LocationForm | None = None, status: int = 200
) -> HttpResponse:
    bins = w.locations.annotate(skus=Count("stock")).order_by("code")
    bq = request.GET.get("bq", "").strip()
    if bq:
        bins = bins.filter(Q(code__icontains=bq) | Q(name__icontains=bq))
    if request.GET.get("bactive") in ("yes", "no"):
        bins = bins.filter(active=request.GET["bactive"] == "yes")
    return render(
        request,
        "inventory/warehouse_detail.html",
        {
            "warehouse": w,
            "bins": _page(request, bins, 100),
            "bq": bq,
            "bactive": request.GET.get("bactive", ""),
            "bin_form": bin_form or LocationForm(prefix="bin"),
            "lanes_out": w.lanes_out.select_related("destination"),
            "lanes_in": w.lanes_in.select_related("source"),
            "costs": w.shipping_costs.all(),
            "can_change": request.user.has_perm("inventory.change_warehouse"),
            "can_add_bin": request.user.has_perm("inventory.add_location"),
            "can_change_bin": request.user.has_perm("inventory.change_location"),
        },
        status=status,
    )


@module_required(M, ["inventory.view_warehouse"])
def warehouse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(Warehouse.objects.restrict(request.user), pk=pk))


@require_POST
def _active(request: HttpRequest, pk: int) -> HttpResponse:
    w = get_object_or_404(Warehouse.objects.restrict(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    setup.set_warehouse_active(actor=_actor(request), pk=w.pk, active=active)
    if active:
        messages.success(request, _("Warehouse %(code)s is active again.") % {"code": w.code})
    else:
        messages.success(
            request,
            _("Warehouse %(code)s is deactivated: routing, receipts and transfers leave it out.") % {"code": w.code},
        )
    return redirect("inventory:warehouse", pk=w.pk)


warehouse_active = module_required(M, ["inventory.change_warehouse"])(_active)


@require_POST
def _bin_add(request: HttpRequest, pk: int) -> HttpResponse:
    w = get_object_or_404(Warehouse.objects.restrict(request.user), pk=pk)
    form = LocationForm(request.POST, prefix="bin")
    if form.is_valid():
        try:
            loc = setup.save_location(actor=_actor(request), warehouse_id=w.pk, **form.cleaned_data)
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, _("Bin %(code)s added.") % {"code": loc.code})
            return redirect("inventory:warehouse", pk=w.pk)
    return _detail(request, w, form, status=400)


warehouse_bin_add = module_required(M, ["inventory.add_location"])(_bin_add)


@require_POST
def _bin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    loc = get_object_or_404(Location.objects.restrict(request.user), pk=pk)
    form = LocationForm(request.POST, prefix=f"bin{loc.pk}")
    if form.is_valid():
        try:
            setup.save_location(actor=_actor(request), warehouse_id=loc.warehouse_id, pk=loc.pk, **form.cleaned_data)
            messages.success(request, _("Bin %(code)s saved.") % {"code": form.cleaned_data["code"]})
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
    else:
        _form_errors(request, form)
    return redirect("inventory:warehouse", pk=loc.warehouse_id)


bin_edit = module_required(M, ["inventory.change_location"])(_bin_edit)


# --- lanes ---


def _lanes_page(request: HttpRequest, form: LaneEditForm | None = None, status: int = 200) -> HttpResponse:
    qs = Lane.objects.restrict(request.user).select_related("source", "destination")
    f = {k: request.GET.get(k, "").strip() for k in ("source", "destination", "active")}
    if f["source"]:
        qs = qs.filter(source__code=f["source"])
    if f["destination"]:
        qs = qs.filter(destination__code=f["destination"])
    if f["active"] in ("yes", "no"):
        qs = qs.filter(active=f["active"] == "yes")
    page = _page(request, qs, 100)
    for lane in page:
        lane.editable = scopes.may_change_lane(request.user, lane)
    return render(
        request,
        "inventory/lanes.html",
        {
            "page": page,
            "filters": f,
            "querystring": _query_without_page(request),
            "warehouses": Warehouse.objects.restrict(request.user),
            "form": form or LaneEditForm(prefix="new", user=request.user),
            "can_add": request.user.has_perm("inventory.add_lane"),
            "can_change": request.user.has_perm("inventory.change_lane"),
        },
        status=status,
    )


@module_required(M, ["inventory.view_lane"])
def lanes(request: HttpRequest) -> HttpResponse:
    return _lanes_page(request)


def _lane_args(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "source_id": d["source"].pk,
        "destination_id": d["destination"].pk,
        "unit_cost": d["unit_cost"],
        "lead_time_days": d["lead_time_days"],
        "active": d["active"],
    }


@require_POST
def _lane_add(request: HttpRequest) -> HttpResponse:
    form = LaneEditForm(request.POST, prefix="new", user=request.user)
    if form.is_valid():
        try:
            lane = setup.save_lane(actor=_actor(request), **_lane_args(form.cleaned_data))
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, _("Lane %(lane)s saved.") % {"lane": str(lane)})
            return redirect("inventory:lanes")
    return _lanes_page(request, form, status=400)


lane_add = module_required(M, ["inventory.add_lane"])(_lane_add)


@require_POST
def _lane_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lane = get_object_or_404(Lane.objects.restrict(request.user), pk=pk)
    if not scopes.may_change_lane(request.user, lane):
        raise PermissionDenied
    form = LaneEditForm(request.POST, prefix=f"lane{lane.pk}", user=request.user)
    if form.is_valid():
        try:
            lane = setup.save_lane(actor=_actor(request), pk=lane.pk, **_lane_args(form.cleaned_data))
            messages.success(request, _("Lane %(lane)s saved.") % {"lane": str(lane)})
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
    else:
        _form_errors(request, form)
    return redirect("inventory:lanes")


lane_edit = module_required(M, ["inventory.change_lane"])(_lane_edit)


# --- shipping costs ---


def _costs_page(request: HttpRequest, form: ShippingCostForm | None = None, status: int = 200) -> HttpResponse:
    qs = ShippingCost.objects.restrict(request.user).select_related("warehouse")
    f = {k: request.GET.get(k, "").strip() for k in ("warehouse", "province")}
    if f["warehouse"]:
        qs = qs.filter(warehouse__code=f["warehouse"])
    if f["province"]:
        qs = qs.filter(province__icontains=f["province"])
    if request.GET.get("export") == "xlsx":
        rows = [[c.warehouse.code, c.province, c.base, c.per_kg] for c in qs]
        return _xlsx(["warehouse", "province", "base", "per_kg"], rows, "costs", "shipping-costs")
    return render(
        request,
        "inventory/shipping_costs.html",
        {
            "page": _page(request, qs, 100),
            "filters": f,
            "querystring": _query_without_page(request),
            "warehouses": Warehouse.objects.restrict(request.user),
            "form": form or ShippingCostForm(prefix="cost", user=request.user),
            "can_edit": request.user.has_perm("inventory.add_shippingcost")
            and request.user.has_perm("inventory.change_shippingcost"),
            "can_delete": request.user.has_perm("inventory.delete_shippingcost"),
        },
        status=status,
    )


@module_required(M, ["inventory.view_shippingcost"])
def shipping_costs(request: HttpRequest) -> HttpResponse:
    return _costs_page(request)


@require_POST
def _cost_save(request: HttpRequest) -> HttpResponse:
    form = ShippingCostForm(request.POST, prefix="cost", user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        existing = ShippingCost.objects.filter(warehouse=d["warehouse"], province=d["province"].strip()).first()
        try:
            setup.save_shipping_cost(
                actor=_actor(request),
                warehouse_id=d["warehouse"].pk,
                province=d["province"],
                base=d["base"],
                per_kg=d["per_kg"],
                pk=existing.pk if existing else None,
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, _("Shipping cost saved."))
            return redirect("inventory:shipping_costs")
    return _costs_page(request, form, status=400)


shipping_cost_save = module_required(M, ["inventory.add_shippingcost", "inventory.change_shippingcost"])(_cost_save)


@require_POST
def _cost_delete(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ShippingCost.objects.restrict(request.user), pk=pk)
    setup.delete_shipping_cost(actor=_actor(request), pk=row.pk)
    messages.success(request, _("Shipping cost removed; routing estimates this pair by distance."))
    return redirect("inventory:shipping_costs")


shipping_cost_delete = module_required(M, ["inventory.delete_shippingcost"])(_cost_delete)


# --- products and kits ---


def _product_page(request: HttpRequest, product: Product, form: KitComponentForm | None = None, status: int = 200):
    return render(
        request,
        "inventory/product_detail.html",
        {
            "product": product,
            "components": product.components.select_related("component"),
            "used_in": product.used_in_kits.select_related("kit"),
            "stock": product.stock.restrict(request.user).select_related("warehouse", "location"),
            "form": form or KitComponentForm(prefix="kit"),
            "can_edit": request.user.has_perm("inventory.change_product"),
        },
        status=status,
    )


@module_required(M, ["inventory.view_product"])
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _product_page(request, get_object_or_404(Product, pk=pk))


@require_POST
def _kit(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    form = KitComponentForm(request.POST, prefix="kit")
    if form.is_valid():
        d = form.cleaned_data
        try:
            setup.set_kit_component(
                actor=_actor(request), kit_id=product.pk, component_id=d["component"].pk, quantity=d["quantity"]
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, _("Kit saved."))
            return redirect("inventory:product", pk=product.pk)
    product.refresh_from_db()
    return _product_page(request, product, form, status=400)


product_kit = module_required(M, ["inventory.change_product"])(_kit)
