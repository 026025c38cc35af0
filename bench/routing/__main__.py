"""bench/routing: parcels per order and shipping cost of our exact routing next to two greedy baselines
measured on the same generated orders and stock in the same run:
  - "priority": warehouses in priority order, line by line (what Saleor does);
  - "single-else-greedy": the first warehouse that can ship everything, else the greedy split (Shopify).
Goal: never worse than either on any order; the improvement is reported. BENCH_FULL=1 for the full size."""

from __future__ import annotations

import os
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from oms.inventory.geo import CENTROIDS, distance_km  # noqa: E402
from oms.inventory.routing import (  # noqa: E402
    Item,
    WarehouseOption,
    baseline_priority,
    baseline_single_else_greedy,
    route,
)

FULL = os.environ.get("BENCH_FULL") == "1"
ORDERS = 5000 if FULL else 600
SKUS = 300 if FULL else 120
SITES = ["上海", "广东", "北京", "四川", "湖北", "陕西", "辽宁", "浙江"]


def warehouses_for(province: str, sites: list[str]) -> list[WarehouseOption]:
    dest = CENTROIDS[province]
    out = []
    for i, site in enumerate(sites):
        km = distance_km(CENTROIDS[site], dest)
        out.append(WarehouseOption(i + 1, site, (i * 3) % len(sites), (Decimal(6) + Decimal(round(km)) / 100).quantize(
            Decimal("0.01")), Decimal("0.8") + Decimal(str(round(km / 500, 1))), km))  # fmt: skip
    return out


def main() -> None:
    rng = random.Random(7)
    n_w = 8 if FULL else 6
    sites = SITES[:n_w]
    weights = {p: Decimal(str(round(rng.uniform(0.1, 3.0), 2))) for p in range(SKUS)}
    stock = {(p, w + 1): (rng.choice([0, 0, 1, 2, 5, 10]) if rng.random() < 0.7 else 0) for p in range(SKUS)
             for w in range(n_w)}  # fmt: skip
    provinces = list(CENTROIDS)[:31]
    totals = {"ours": [0, Decimal(0)], "priority": [0, Decimal(0)], "single": [0, Decimal(0)]}
    worse = 0
    feasible = 0
    ours_time = 0.0
    for o in range(ORDERS):
        lines = rng.choice([1, 1, 2, 2, 3, 4, 5])
        products = rng.sample(range(SKUS), lines)
        items = [Item(o * 10 + i, p, rng.choice([1, 1, 1, 2, 3]), weights[p]) for i, p in enumerate(products)]
        ws = warehouses_for(rng.choice(provinces), sites)
        t = time.perf_counter()
        ours = route(items, stock, ws)
        ours_time += time.perf_counter() - t
        a = baseline_priority(items, stock, ws)
        b = baseline_single_else_greedy(items, stock, ws)
        if not ours.feasible:
            assert a is None and b is None
            continue
        feasible += 1
        totals["ours"][0] += ours.parcels
        totals["ours"][1] += ours.cost
        for name, res in (("priority", a), ("single", b)):
            assert res is not None
            totals[name][0] += res[0]
            totals[name][1] += res[1]
            if (ours.parcels, ours.cost) > (res[0], res[1].quantize(Decimal("0.01"), ROUND_HALF_UP)):
                worse += 1
    print(f"orders routed: {feasible} of {ORDERS} (others lack stock anywhere); {n_w} warehouses, {SKUS} SKUs")
    print(f"{'strategy':<22}{'parcels/order':>15}{'cost/order':>12}")
    for name, label in (("ours", "ours (exact)"), ("priority", "greedy priority"), ("single", "single else greedy")):
        parcels, cost = totals[name]
        print(f"{label:<22}{parcels / feasible:>15.3f}{float(cost) / feasible:>12.2f}")
    for name in ("priority", "single"):
        p_imp = 1 - totals["ours"][0] / totals[name][0]
        c_imp = 1 - float(totals["ours"][1]) / float(totals[name][1])
        print(f"improvement vs {name}: parcels {p_imp:.1%}, shipping cost {c_imp:.1%}")
    print(f"orders where ours is worse than a baseline: {worse} (goal 0)")
    print(f"our routing time: {ours_time / ORDERS * 1000:.2f} ms/order")
    # The solver path (used with many warehouses) must agree with enumeration on the same orders.
    rng = random.Random(99)
    checked = agree = 0
    milp_time = 0.0
    for _ in range(200 if FULL else 60):
        products = rng.sample(range(SKUS), rng.choice([1, 2, 3, 4]))
        items = [Item(i, p, rng.choice([1, 2]), weights[p]) for i, p in enumerate(products)]
        ws = warehouses_for(rng.choice(provinces), sites)
        exact = route(items, stock, ws)
        if not exact.feasible:
            continue
        t = time.perf_counter()
        solved = route(items, stock, ws, enumerate_limit=0)
        milp_time += time.perf_counter() - t
        checked += 1
        agree += (solved.parcels, solved.cost) == (exact.parcels, exact.cost)
    per = milp_time / max(checked, 1) * 1000
    print(f"milp path agrees with enumeration on {agree}/{checked} orders ({per:.1f} ms/order)")


if __name__ == "__main__":
    main()
