"""Actions on the inventory's administrative data: warehouses, their bins, kits, shipping costs and transfer
lanes. Each validates inside, saves, and records the change in the operation log in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oms.core.actor import Actor
from oms.inventory import geo
from oms.inventory.models import KitComponent, Lane, Location, Product, ShippingCost, Warehouse
from oms.system import oplog

WAREHOUSE_FIELDS = (
    "code",
    "name",
    "province",
    "city",
    "district",
    "address",
    "priority",
    "covered_provinces",
    "active",
)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _changes(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields `data` changes on `obj` (for the operation log)."""
    return {
        k: [_plain(getattr(obj, k)), _plain(v)] for k, v in data.items() if getattr(obj, k) != v and obj.pk is not None
    }


def _save(obj: Any, data: dict[str, Any], exclude: tuple[str, ...] = ()) -> None:
    for k, v in data.items():
        setattr(obj, k, v)
    obj.full_clean(exclude=list(exclude))
    obj.save()


def _save_recorded(
    obj: Any,
    data: dict[str, Any],
    *,
    actor: Actor,
    kind: str,
    target: Callable[[Any], str],
    exclude: tuple[str, ...] = (),
) -> None:
    """Save master data and record it in the operation log: every field when created, old -> new when changed."""
    changes = _changes(obj, data)
    created = obj.pk is None
    _save(obj, data, exclude)
    oplog.record(
        actor=actor,
        action=f"inventory.{kind}_{'created' if created else 'changed'}",
        target=target(obj),
        details={k: _plain(v) for k, v in data.items()} if created else {"changes": changes},
    )


def normalize_provinces(names: list[str]) -> list[str]:
    """Known province names, de-duplicated in the order given; ValidationError naming the unknown ones."""
    out: list[str] = []
    unknown = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if geo.short(name) not in geo.CENTROIDS:
            unknown.append(name)
        elif name not in out:
            out.append(name)
    if unknown:
        raise ValidationError({"covered_provinces": _("Unknown provinces: %(names)s.") % {"names": ", ".join(unknown)}})
    return out


@transaction.atomic
def save_warehouse(*, actor: Actor, data: dict[str, Any], pk: int | None = None) -> Warehouse:
    data = {k: v for k, v in data.items() if k in WAREHOUSE_FIELDS}
    if "covered_provinces" in data:
        data["covered_provinces"] = normalize_provinces(list(data["covered_provinces"] or []))
    if data.get("province") and geo.short(data["province"]) not in geo.CENTROIDS:
        raise ValidationError({"province": _("Unknown province %(name)s.") % {"name": data["province"]}})
    w = Warehouse.objects.select_for_update().get(pk=pk) if pk else Warehouse()
    _save_recorded(
        w, data, actor=actor, kind="warehouse", target=lambda o: f"warehouse:{o.code}", exclude=("lat", "lng")
    )
    return w


@transaction.atomic
def set_warehouse_active(*, actor: Actor, pk: int, active: bool) -> Warehouse:
    """Deactivated warehouses are left out of routing, receipts and transfers; stock and history stay."""
    w = Warehouse.objects.select_for_update().get(pk=pk)
    if w.active != active:
        Warehouse.objects.filter(pk=pk).update(active=active)
        w.active = active
        oplog.record(
            actor=actor,
            action="inventory.warehouse_activated" if active else "inventory.warehouse_deactivated",
            target=f"warehouse:{w.code}",
        )
    return w


@transaction.atomic
def save_location(
    *, actor: Actor, warehouse_id: int, code: str, name: str = "", active: bool = True, pk: int | None = None
) -> Location:
    loc = Location.objects.get(pk=pk, warehouse_id=warehouse_id) if pk else Location(warehouse_id=warehouse_id)
    data = {"code": code.strip(), "name": name.strip(), "active": active}
    if not data["code"]:
        raise ValidationError({"code": _("Give the bin a code.")})
    if Location.objects.filter(warehouse_id=warehouse_id, code=data["code"]).exclude(pk=loc.pk).exists():
        raise ValidationError({"code": _("This warehouse already has a bin %(code)s.") % {"code": data["code"]}})
    _save_recorded(loc, data, actor=actor, kind="location", target=lambda o: f"location:{o.warehouse.code}/{o.code}")
    return loc


@transaction.atomic
def save_lane(
    *,
    actor: Actor,
    source_id: int,
    destination_id: int,
    unit_cost: Decimal,
    lead_time_days: int,
    active: bool = True,
    pk: int | None = None,
) -> Lane:
    if source_id == destination_id:
        raise ValidationError({"destination": _("From and to must be different warehouses.")})
    if unit_cost < 0:
        raise ValidationError({"unit_cost": _("The cost cannot be negative.")})
    lane = Lane.objects.get(pk=pk) if pk else Lane()
    if Lane.objects.filter(source_id=source_id, destination_id=destination_id).exclude(pk=lane.pk).exists():
        raise ValidationError({"destination": _("A lane between these warehouses exists already; edit it instead.")})
    data = {
        "source_id": source_id,
        "destination_id": destination_id,
        "unit_cost": unit_cost,
        "lead_time_days": lead_time_days,
        "active": active,
    }
    _save_recorded(lane, data, actor=actor, kind="lane", target=lambda o: f"lane:{o.source.code}>{o.destination.code}")
    return lane


@transaction.atomic
def save_shipping_cost(
    *, actor: Actor, warehouse_id: int, province: str, base: Decimal, per_kg: Decimal, pk: int | None = None
) -> ShippingCost:
    """One cost row per warehouse x destination province (routing prices a parcel with it)."""
    province = province.strip()
    if geo.short(province) not in geo.CENTROIDS:
        raise ValidationError({"province": _("Unknown province %(name)s.") % {"name": province}})
    if base < 0 or per_kg < 0:
        raise ValidationError({"base": _("Costs cannot be negative.")})
    row = ShippingCost.objects.get(pk=pk) if pk else ShippingCost(warehouse_id=warehouse_id)
    clash = ShippingCost.objects.filter(warehouse_id=row.warehouse_id, province__in=[province, geo.short(province)])
    if clash.exclude(pk=row.pk).exists():
        raise ValidationError({"province": _("This warehouse already has a cost for %(name)s.") % {"name": province}})
    data = {"province": province, "base": base, "per_kg": per_kg}
    _save_recorded(
        row, data, actor=actor, kind="shipping_cost", target=lambda o: f"shipping_cost:{o.warehouse.code}>{province}"
    )
    return row


@transaction.atomic
def delete_shipping_cost(*, actor: Actor, pk: int) -> None:
    """Routing falls back to the distance estimate for this pair."""
    row = ShippingCost.objects.select_related("warehouse").get(pk=pk)
    oplog.record(
        actor=actor,
        action="inventory.shipping_cost_deleted",
        target=f"shipping_cost:{row.warehouse.code}>{row.province}",
        details={"base": str(row.base), "per_kg": str(row.per_kg)},
    )
    row.delete()


@transaction.atomic
def set_kit_component(*, actor: Actor, kit_id: int, component_id: int, quantity: int) -> Product:
    """Put `quantity` of a component into a kit (0 takes it out). The product is a kit while it has components.

    Orders reserve a kit as its components at the moment of reservation; held reservations keep what they hold."""
    kit = Product.objects.select_for_update().get(pk=kit_id)
    if quantity < 0:
        raise ValidationError({"quantity": _("Enter zero or more units.")})
    if component_id == kit_id:
        raise ValidationError({"component": _("A kit cannot contain itself.")})
    component = Product.objects.get(pk=component_id)
    if quantity and component.is_kit:
        raise ValidationError(
            {"component": _("%(sku)s is a kit itself; kits cannot be nested.") % {"sku": component.sku}}
        )
    if quantity and KitComponent.objects.filter(component_id=kit_id).exists():
        raise ValidationError(
            {"component": _("%(sku)s is a component of another kit; kits cannot be nested.") % {"sku": kit.sku}}
        )
    old = (
        KitComponent.objects.filter(kit_id=kit_id, component_id=component_id).values_list("quantity", flat=True).first()
    )
    if quantity:
        KitComponent.objects.update_or_create(kit_id=kit_id, component_id=component_id, defaults={"quantity": quantity})
    else:
        KitComponent.objects.filter(kit_id=kit_id, component_id=component_id).delete()
    is_kit = KitComponent.objects.filter(kit_id=kit_id).exists()
    if kit.is_kit != is_kit:
        Product.objects.filter(pk=kit_id).update(is_kit=is_kit)
        kit.is_kit = is_kit
    if (old or 0) != quantity:
        oplog.record(
            actor=actor,
            action="inventory.kit_changed",
            target=f"product:{kit.sku}",
            details={"component": component.sku, "before": old or 0, "after": quantity},
        )
    return kit
