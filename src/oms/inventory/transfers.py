"""Transfer planning: from demand (orders awaiting stock, stock below target) and supply (stock above
target elsewhere), choose lane flows per SKU that cover as much demand as possible at the lowest total
lane cost. A min-cost-flow written as one sparse LP and solved exactly with SciPy's HiGHS; the
constraint matrix is a network matrix (totally unimodular), so the optimal vertex is integral.

Pure: plain values in, a Plan out. `load_instance()` reads the database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from oms.inventory import geo
from oms.inventory.models import KitComponent, Lane, Stock, StockThreshold, TransferLine, Warehouse
from oms.orders.models import OrderLine


@dataclass(frozen=True)
class LaneOption:
    source: int
    destination: int
    unit_cost: float
    lead_time_days: int = 0


@dataclass
class Instance:
    supply: dict[tuple[int, int], int]  # (product, warehouse) -> units that may leave
    demand: dict[tuple[int, int], int]  # (product, warehouse) -> units wanted
    lanes: list[LaneOption]


@dataclass(frozen=True)
class Flow:
    product_id: int
    source: int
    destination: int
    quantity: int
    unit_cost: float
    lead_time_days: int


@dataclass
class Plan:
    flows: list[Flow] = field(default_factory=list)
    cost: float = 0.0
    moved: int = 0
    unmet: int = 0
    status: str = "optimal"


def net_position(available: int, in_transit: int, awaiting: int, target: int) -> tuple[int, int]:
    """(supply, demand) of one SKU in one warehouse. Pure.

    Demand covers orders waiting there plus the gap to target, net of what is already on its way;
    supply is what sits above target and is not promised to waiting orders, and is on hand now."""
    net = available + in_transit - awaiting - target
    if net < 0:
        return 0, -net
    return max(0, min(net, available - awaiting)), 0


def solve(instance: Instance) -> Plan:
    """Min-cost flow: maximise units delivered to demand (penalty per unmet unit), then minimise cost."""
    # numpy and SciPy load here, not at the top: they cost a web process seconds of start-up and memory
    # that only routing and transfer planning need.
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    by_product_sources: dict[int, list[int]] = defaultdict(list)
    by_product_sinks: dict[int, list[int]] = defaultdict(list)
    for (p, w), q in instance.supply.items():
        if q > 0:
            by_product_sources[p].append(w)
    for (p, w), q in instance.demand.items():
        if q > 0:
            by_product_sinks[p].append(w)
    lanes_from: dict[int, list[LaneOption]] = defaultdict(list)
    for lane in instance.lanes:
        lanes_from[lane.source].append(lane)
    variables: list[tuple[int, LaneOption]] = []
    for p, sinks in by_product_sinks.items():
        sinkset = set(sinks)
        for s in by_product_sources.get(p, []):
            for lane in lanes_from.get(s, []):
                if lane.destination in sinkset:
                    variables.append((p, lane))
    total_demand = sum(q for q in instance.demand.values() if q > 0)
    if not variables:
        return Plan(unmet=total_demand, status="optimal")
    max_cost = max(lane.unit_cost for _p, lane in variables)
    penalty = max_cost + 1.0  # moving a unit always beats leaving it unmet
    # Unmet slack per demand node: inflow + unmet = demand; outflow <= supply.
    sinks_list = [(p, w) for (p, w), q in instance.demand.items() if q > 0]
    sink_index = {k: i for i, k in enumerate(sinks_list)}
    sources_list = [(p, w) for (p, w), q in instance.supply.items() if q > 0]
    source_index = {k: i for i, k in enumerate(sources_list)}
    n_x, n_u = len(variables), len(sinks_list)
    c = np.concatenate([np.array([lane.unit_cost for _p, lane in variables]), np.full(n_u, penalty)])
    eq_r, eq_c, eq_v = [], [], []
    ub_r, ub_c, ub_v = [], [], []
    for j, (p, lane) in enumerate(variables):
        eq_r.append(sink_index[(p, lane.destination)])
        eq_c.append(j)
        eq_v.append(1.0)
        ub_r.append(source_index[(p, lane.source)])
        ub_c.append(j)
        ub_v.append(1.0)
    for i in range(n_u):
        eq_r.append(i)
        eq_c.append(n_x + i)
        eq_v.append(1.0)
    a_eq = coo_matrix((eq_v, (eq_r, eq_c)), shape=(n_u, n_x + n_u)).tocsr()
    b_eq = np.array([instance.demand[k] for k in sinks_list], dtype=float)
    a_ub = coo_matrix((ub_v, (ub_r, ub_c)), shape=(len(sources_list), n_x + n_u)).tocsr()
    b_ub = np.array([instance.supply[k] for k in sources_list], dtype=float)
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs-ds")
    if res.status != 0:
        return Plan(status=f"solver status {res.status}: {res.message}")
    x = np.round(res.x).astype(int)
    flows = [
        Flow(p, lane.source, lane.destination, int(x[j]), lane.unit_cost, lane.lead_time_days)
        for j, (p, lane) in enumerate(variables)
        if x[j] > 0
    ]
    moved = sum(f.quantity for f in flows)
    return Plan(
        flows=flows,
        cost=float(sum(f.quantity * f.unit_cost for f in flows)),
        moved=moved,
        unmet=total_demand - moved,
    )


def load_instance(warehouse_ids: frozenset[int] | None = None) -> Instance:
    """Demand and supply from the database: orders awaiting stock, targets, available and in transit.
    With `warehouse_ids`, only lanes between those warehouses can carry a flow."""
    targets: dict[tuple[int, int], int] = {}
    for t in StockThreshold.objects.all():
        targets[(t.product_id, t.warehouse_id)] = t.target if t.target is not None else t.minimum
    awaiting: dict[tuple[int, int], int] = defaultdict(int)

    kits: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for kc in KitComponent.objects.all():
        kits[kc.kit_id].append((kc.component_id, kc.quantity))
    fallback = Warehouse.objects.filter(active=True).order_by("priority", "code").first()
    lines = OrderLine.objects.filter(order__status="awaiting_stock", product__isnull=False).select_related("order")

    warehouses = list(Warehouse.objects.filter(active=True))
    for ln in lines:
        home = (
            ln.order.warehouse_id
            or _home_warehouse(ln.order.province, warehouses, geo)
            or (fallback.pk if fallback else None)
        )
        if home is None:
            continue
        product_id = int(ln.product_id or 0)
        for comp, per in kits.get(product_id, [(product_id, 1)]):
            awaiting[(comp, home)] += per * ln.quantity
    # Units already promised by other open plans are neither supply nor missing demand any more.
    pending_out: dict[tuple[int, int], int] = defaultdict(int)
    pending_in: dict[tuple[int, int], int] = defaultdict(int)
    for tl in TransferLine.objects.filter(plan__status__in=["draft", "approved"]):
        pending_out[(tl.product_id, tl.source_id)] += tl.quantity
        pending_in[(tl.product_id, tl.destination_id)] += tl.quantity
    supply: dict[tuple[int, int], int] = {}
    demand: dict[tuple[int, int], int] = {}
    keys = set(awaiting) | set(targets)
    stock = {(s.product_id, s.warehouse_id): s for s in Stock.objects.all()}
    keys |= set(stock)
    for key in keys:
        s = stock.get(key)
        available = s.available if s else 0
        in_transit = s.in_transit if s else 0
        sup, dem = net_position(
            available - pending_out[key], in_transit + pending_in[key], awaiting.get(key, 0), targets.get(key, 0)
        )
        if sup:
            supply[key] = sup
        if dem:
            demand[key] = dem
    open_lanes = Lane.objects.filter(active=True, source__active=True, destination__active=True)
    if warehouse_ids is not None:
        open_lanes = open_lanes.filter(source_id__in=warehouse_ids, destination_id__in=warehouse_ids)
    lanes = [
        LaneOption(lane.source_id, lane.destination_id, float(lane.unit_cost), lane.lead_time_days)
        for lane in open_lanes
    ]
    return Instance(supply=supply, demand=demand, lanes=lanes)


def _home_warehouse(province: str, warehouses: list[Any], geo: Any) -> int | None:
    """The nearest covering warehouse: where an order awaiting stock would ship from."""
    dest = geo.centroid(province)
    best = None
    for w in warehouses:
        if not w.covers(province):
            continue
        origin = (w.lat, w.lng) if w.lat is not None and w.lng is not None else geo.centroid(w.province)
        d = geo.distance_km(origin, dest) if origin and dest else 0.0
        key = (d, w.priority, w.code)
        if best is None or key < best[0]:
            best = (key, w.pk)
    return best[1] if best else None


def spare(product_id: int, warehouse_id: int, exclude_plan: int | None = None) -> int:
    """Units a source can still send: available minus what other open plans already take from it."""
    s = Stock.objects.filter(product_id=product_id, warehouse_id=warehouse_id).first()
    available = s.available if s else 0
    other = TransferLine.objects.filter(
        product_id=product_id, source_id=warehouse_id, plan__status__in=["draft", "approved"]
    )
    if exclude_plan is not None:
        other = other.exclude(plan_id=exclude_plan)
    taken = other.aggregate(q=Sum("quantity"))["q"] or 0
    return max(0, available - taken)


def money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))
