"""Many clients race for the last units: exactly the available quantity is reserved, never more,
nobody deadlocks, and the ledger check agrees afterwards. Real threads (each with its own database
connection) and real processes, on whichever database the run uses (SQLite file or PostgreSQL)."""

import os
import subprocess
import sys
import threading
from urllib.parse import quote

import pytest
from django.db import connection, connections

from oms.inventory import actions, ledger
from oms.inventory.ledger import InsufficientStock
from oms.inventory.models import Reservation, Stock
from oms.inventory.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _race(order_ids: list[int], clients: int) -> tuple[int, list[BaseException]]:
    won, errors = [], []
    barrier = threading.Barrier(clients)
    lock = threading.Lock()

    def client(ids: list[int]) -> None:
        try:
            barrier.wait()
            for oid in ids:
                try:
                    actions.reserve_for_order(oid, f.SYSTEM)
                    with lock:
                        won.append(oid)
                except InsufficientStock:
                    pass
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    chunks = [order_ids[i::clients] for i in range(clients)]
    threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "a client hung (deadlock?)"
    return len(won), errors


def test_threads_race_for_last_units_single_line():
    p, w = f.product(), f.warehouse("a")
    f.stock(p, w, 7)
    orders = [f.order([(p, 1)]).pk for _ in range(16)]
    won, errors = _race(orders, 8)
    assert errors == []
    assert won == 7
    s = Stock.objects.get(product=p, warehouse=w)
    assert s.reserved == 7 and s.available == 0
    assert Reservation.objects.filter(state="active").count() == 7
    assert ledger.recompute() == []


def test_threads_race_multi_line_orders_in_opposite_order_no_deadlock():
    a, b = f.product(), f.product()
    w1, w2 = f.warehouse("w1", priority=1), f.warehouse("w2", priority=2)
    for p in (a, b):
        f.stock(p, w1, 5)
        f.stock(p, w2, 4)
    # lines listed in both orders so that naive locking would cross
    orders = [f.order([(a, 2), (b, 1)] if i % 2 else [(b, 1), (a, 2)]).pk for i in range(12)]
    won, errors = _race(orders, 6)
    assert errors == []
    total_a = sum(s.reserved for s in Stock.objects.filter(product=a))
    total_b = sum(s.reserved for s in Stock.objects.filter(product=b))
    assert total_a == 2 * won and total_b == won
    assert all(s.on_hand >= s.reserved for s in Stock.objects.all())
    assert won == 4  # 18 units of a, 2 per order, whole orders only (a line may split across warehouses)
    assert ledger.recompute() == []


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_processes_race_for_last_units():
    p, w = f.product(), f.warehouse("a")
    f.stock(p, w, 5)
    orders = [f.order([(p, 1)]).pk for _ in range(12)]
    env = dict(os.environ, OMS_DATABASE_URL=_database_url(), DJANGO_SETTINGS_MODULE="oms.config.settings")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "oms.inventory.tests.race_worker", *map(str, orders[i::3])],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err[-2000:] for _out, err in outputs]
    assert sum(int(out.strip().splitlines()[-1]) for out, _err in outputs) == 5
    assert Stock.objects.get(product=p, warehouse=w).reserved == 5
    assert ledger.recompute() == []
