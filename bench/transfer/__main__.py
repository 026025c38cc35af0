"""bench/transfer: a transfer plan for 1,000 SKUs x 20 warehouses (quick: 200 x 10; BENCH_FULL=1 for full).

Prints our solve time and plan cost next to the optimum of the same instance computed independently in
the same run: one plain LP per SKU over every lane (dense matrices, HiGHS interior point), which must
give the same units moved and the same total cost. Goal: equal."""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

import numpy as np  # noqa: E402
from scipy.optimize import linprog  # noqa: E402

from oms.inventory.transfers import Instance, LaneOption, net_position, solve  # noqa: E402

FULL = os.environ.get("BENCH_FULL") == "1"
SKUS, WAREHOUSES = (1000, 20) if FULL else (200, 10)


def instance(rng: random.Random) -> Instance:
    coords = [(rng.uniform(0, 30), rng.uniform(0, 30)) for _ in range(WAREHOUSES)]
    lanes = [
        LaneOption(
            a,
            b,
            round(0.5 + 0.1 * ((coords[a][0] - coords[b][0]) ** 2 + (coords[a][1] - coords[b][1]) ** 2) ** 0.5, 2),
            1 + int(rng.random() * 4),
        )  # fmt: skip
        for a in range(WAREHOUSES)
        for b in range(WAREHOUSES)
        if a != b and rng.random() < 0.8
    ]
    supply, demand = {}, {}
    for p in range(SKUS):
        for w in range(WAREHOUSES):
            available = rng.choice([0, 0, 2, 5, 10, 20, 40, 80])
            sup, dem = net_position(available, rng.choice([0, 0, 0, 3]), rng.choice([0, 0, 0, 2, 6]),
                                    rng.choice([5, 10, 20]))  # fmt: skip
            if sup:
                supply[(p, w)] = sup
            if dem:
                demand[(p, w)] = dem
    return Instance(supply=supply, demand=demand, lanes=lanes)


def independent(inst: Instance) -> tuple[float, int]:
    """Per-SKU plain LP: variables x[lane] for every lane, and unmet[w] per warehouse; dense matrices."""
    total_cost, total_moved = 0.0, 0
    lanes = inst.lanes
    n_l = len(lanes)
    penalty = max(lane.unit_cost for lane in lanes) + 1.0
    for p in range(SKUS):
        sup = np.array([inst.supply.get((p, w), 0) for w in range(WAREHOUSES)], dtype=float)
        dem = np.array([inst.demand.get((p, w), 0) for w in range(WAREHOUSES)], dtype=float)
        if not dem.any():
            continue
        c = np.concatenate([[lane.unit_cost for lane in lanes], np.full(WAREHOUSES, penalty)])
        a_eq = np.zeros((WAREHOUSES, n_l + WAREHOUSES))
        a_ub = np.zeros((WAREHOUSES, n_l + WAREHOUSES))
        for j, lane in enumerate(lanes):
            a_eq[lane.destination, j] = 1
            a_ub[lane.source, j] = 1
        for w in range(WAREHOUSES):
            a_eq[w, n_l + w] = 1
        res = linprog(c, A_ub=a_ub, b_ub=sup, A_eq=a_eq, b_eq=dem, bounds=(0, None), method="highs-ipm")
        assert res.status == 0, res.message
        x = res.x[:n_l]
        total_cost += float(np.dot(c[:n_l], x))
        total_moved += int(round(x.sum()))
    return total_cost, total_moved


def main() -> None:
    inst = instance(random.Random(11))
    print(f"instance: {SKUS} SKUs x {WAREHOUSES} warehouses, {len(inst.lanes)} lanes, "
          f"{sum(inst.supply.values())} units spare, {sum(inst.demand.values())} units wanted")  # fmt: skip
    t = time.perf_counter()
    plan = solve(inst)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    ref_cost, ref_moved = independent(inst)
    ref = time.perf_counter() - t
    print(f"ours:        {ours:8.3f} s  moved {plan.moved:7d}  cost {plan.cost:12.2f}  lines {len(plan.flows)}")
    print(f"independent: {ref:8.3f} s  moved {ref_moved:7d}  cost {ref_cost:12.2f}  (per-SKU dense LP)")
    gap = abs(plan.cost - ref_cost) / max(ref_cost, 1e-9)
    print(f"cost ratio ours/optimum: {plan.cost / ref_cost:.6f}  (relative gap {gap:.2e}; goal equal)")
    print(f"moved equal: {plan.moved == ref_moved}; time ratio ours/independent: {ours / ref:.2f}")


if __name__ == "__main__":
    main()
