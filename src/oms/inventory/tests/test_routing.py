"""Routing is pure: plain values in, a decision out. No database."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from oms.inventory.routing import (
    Item,
    WarehouseOption,
    baseline_priority,
    baseline_single_else_greedy,
    route,
)


def wh(i, base="10", per_kg="0", priority=None, km=0.0):
    return WarehouseOption(i, f"w{i}", priority if priority is not None else i, Decimal(base), Decimal(per_kg), km)


def test_single_warehouse_preferred_even_if_more_expensive():
    items = [Item(1, 100, 2), Item(2, 200, 1)]
    stock = {(100, 1): 5, (200, 2): 5, (100, 3): 2, (200, 3): 1}
    d = route(items, stock, [wh(1, "3"), wh(2, "3"), wh(3, "50")])
    assert d.feasible and d.warehouse_ids == [3] and d.parcels == 1 and not d.split
    assert d.cost == Decimal("50.00")


def test_split_when_no_single_warehouse_can_ship():
    items = [Item(1, 100, 2), Item(2, 200, 1)]
    stock = {(100, 1): 5, (200, 2): 5, (200, 3): 5}
    d = route(items, stock, [wh(1, "3"), wh(2, "9"), wh(3, "4")])
    assert d.split and d.warehouse_ids == [1, 3] and d.cost == Decimal("7.00")
    assert {(a.line_id, a.warehouse_id, a.quantity) for a in d.allocations} == {(1, 1, 2), (2, 3, 1)}


def test_line_split_across_warehouses_only_when_needed():
    d = route([Item(1, 100, 5)], {(100, 1): 3, (100, 2): 3}, [wh(1), wh(2)])
    assert d.parcels == 2 and sum(a.quantity for a in d.allocations) == 5


def test_shortage_is_reported():
    d = route([Item(1, 100, 5)], {(100, 1): 3}, [wh(1)])
    assert not d.feasible and d.shortages == {100: 2}


def test_policies_break_ties_differently():
    items = [Item(1, 100, 1)]
    stock = {(100, 1): 1, (100, 2): 1, (100, 3): 1}
    ws = [wh(1, "9", priority=1, km=500), wh(2, "5", priority=3, km=900), wh(3, "7", priority=2, km=100)]
    assert route(items, stock, ws, "fewest_parcels").warehouse_ids == [2]
    assert route(items, stock, ws, "nearest").warehouse_ids == [3]
    assert route(items, stock, ws, "priority").warehouse_ids == [1]


def test_per_kg_cost_places_weight_in_the_cheaper_warehouse():
    items = [Item(1, 100, 4, Decimal("2")), Item(2, 200, 1, Decimal("1"))]
    stock = {(100, 1): 4, (100, 2): 4, (200, 2): 1}
    d = route(items, stock, [wh(1, "5", "3"), wh(2, "5", "1")])
    assert d.warehouse_ids == [2] and d.cost == Decimal("14.00")


instances = st.integers(min_value=2, max_value=6).flatmap(
    lambda n_w: st.tuples(
        st.just(n_w),
        st.lists(st.tuples(st.integers(0, 3), st.integers(1, 4)), min_size=1, max_size=4),  # (product, qty)
        st.lists(st.integers(0, 5), min_size=4 * n_w, max_size=4 * n_w),  # stock grid
        st.lists(st.integers(1, 30), min_size=n_w, max_size=n_w),  # base costs
        st.lists(st.integers(0, 3), min_size=n_w, max_size=n_w),  # per kg
    )
)


def _build(inst):
    n_w, lines, grid, bases, per_kg = inst
    items = [Item(i, p, q, Decimal("1.5")) for i, (p, q) in enumerate(lines, 1)]
    stock = {(p, w + 1): grid[p * n_w + w] for p in range(4) for w in range(n_w)}
    ws = [wh(w + 1, str(bases[w]), str(per_kg[w]), priority=(w * 7) % n_w, km=bases[w] * 10.0) for w in range(n_w)]
    return items, stock, ws


@settings(max_examples=60, deadline=None)
@given(instances, st.sampled_from(["fewest_parcels", "nearest", "priority"]))
def test_milp_agrees_with_enumeration(inst, policy):
    items, stock, ws = _build(inst)
    exact = route(items, stock, ws, policy)
    solver = route(items, stock, ws, policy, enumerate_limit=0)
    assert exact.feasible == solver.feasible
    if exact.feasible:
        assert solver.method == "milp"
        assert exact.parcels == solver.parcels
        if policy == "fewest_parcels":
            assert exact.cost == solver.cost


@settings(max_examples=80, deadline=None)
@given(instances)
def test_never_worse_than_greedy_baselines(inst):
    items, stock, ws = _build(inst)
    ours = route(items, stock, ws)
    for baseline in (baseline_priority, baseline_single_else_greedy):
        other = baseline(items, stock, ws)
        assert (other is None) == (not ours.feasible)
        if other is not None:
            parcels, cost = other
            assert (ours.parcels, ours.cost) <= (parcels, cost.quantize(Decimal("0.01"), ROUND_HALF_UP))
            assert ours.parcels <= parcels
    if ours.feasible:
        # every line fully allocated, never above available
        per_line = {}
        used = {}
        for a in ours.allocations:
            per_line[a.line_id] = per_line.get(a.line_id, 0) + a.quantity
            used[(a.product_id, a.warehouse_id)] = used.get((a.product_id, a.warehouse_id), 0) + a.quantity
        assert per_line == {it.line_id: it.quantity for it in items}
        assert all(q <= stock[k] for k, q in used.items())
