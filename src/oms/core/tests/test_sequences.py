"""Number sequences: blocks of consecutive values, never the same value twice, also when threads and
processes race on one sequence (on whichever database the run uses: SQLite file or PostgreSQL); and
the data migrations that start each sequence from the numbers already in use."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime
from urllib.parse import quote

import pytest
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from oms.core import sequences
from oms.core.models import Sequence


@pytest.mark.django_db
def test_blocks_are_consecutive_and_sequences_independent() -> None:
    assert sequences.current("order") == 0
    assert list(sequences.allocate("order", 3)) == [1, 2, 3]
    assert sequences.next_value("order") == 4
    assert list(sequences.allocate("order", 2)) == [5, 6]
    assert sequences.next_value("tracking") == 1
    assert sequences.current("order") == 6
    with pytest.raises(ValueError):
        sequences.allocate("order", 0)


@pytest.mark.django_db
def test_a_rolled_back_block_is_handed_out_again_and_ensure_at_least_moves_forward_only() -> None:
    sequences.allocate("merge", 5)
    with pytest.raises(RuntimeError), transaction.atomic():
        sequences.allocate("merge", 10)
        raise RuntimeError
    assert sequences.next_value("merge") == 6
    sequences.ensure_at_least("merge", 100)
    sequences.ensure_at_least("merge", 50)
    assert sequences.next_value("merge") == 101


@pytest.mark.django_db
def test_order_tracking_and_transfer_plan_numbers_come_from_sequences() -> None:
    from django.utils import timezone

    from oms.inventory.actions import _next_number
    from oms.orders.intake import next_numbers
    from oms.orders.review.tracking import next_tracking_number

    assert next_numbers(2) == ["SO00000001", "SO00000002"]
    assert sequences.current("order") == 2
    next_tracking_number()
    assert sequences.current("tracking") == 1
    stamp = timezone.localtime().strftime("%Y%m%d")
    assert [_next_number(), _next_number()] == [f"TP{stamp}-001", f"TP{stamp}-002"]


def _values_of_threads(name: str, threads: int, sizes: list[int]) -> tuple[list[int], list[BaseException]]:
    values: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)
    lock = threading.Lock()

    def client() -> None:
        try:
            barrier.wait()
            for size in sizes:
                with transaction.atomic():
                    block = list(sequences.allocate(name, size))
                with lock:
                    values.extend(block)
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion in the test
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(120)
    assert not any(t.is_alive() for t in workers), "a client hung"
    return values, errors


@pytest.mark.django_db(transaction=True)
def test_threads_racing_on_one_sequence_never_share_a_value() -> None:
    sizes = [1, 3, 1, 10, 2, 1, 5, 1]
    values, errors = _values_of_threads("order", 6, sizes)
    assert errors == []
    assert len(values) == 6 * sum(sizes)
    assert sorted(values) == list(range(1, len(values) + 1))  # no duplicate, no gap
    assert sequences.current("order") == len(values)


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_processes_racing_on_one_sequence_never_share_a_value() -> None:
    env = dict(os.environ, OMS_DATABASE_URL=_database_url(), DJANGO_SETTINGS_MODULE="oms.config.settings")
    sizes = ["1", "50", "1", "7", "1", "25", "1", "1", "100", "1"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "oms.core.tests.sequence_worker", "race", *sizes],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err[-2000:] for _out, err in outputs]
    values = [int(v) for out, _err in outputs for v in out.split()]
    total = 3 * sum(map(int, sizes))
    assert len(values) == total and sorted(values) == list(range(1, total + 1))
    assert Sequence.objects.get(name="race").value == total


@pytest.mark.django_db(transaction=True)
def test_migrations_start_each_sequence_from_the_numbers_in_use() -> None:
    before = [
        ("core", "0004_verbose_names"),
        ("orders", "0016_status_changed_at"),
        ("inventory", "0005_verbose_names"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old.get_model("orders", "NumberSequence").objects.create(name="order", value=10)
    old.get_model("orders", "NumberSequence").objects.create(name="tracking", value=42)
    channel = old.get_model("channels", "Channel").objects.create(code="shop", name="Shop", platform="manual")
    old.get_model("orders", "Order").objects.create(
        number="SO00000057", channel=channel, external_id="x", created_at=datetime(2026, 1, 1).astimezone()
    )
    for number in ("TP20260314-001", "TP20260314-007", "TP20260315-002"):
        old.get_model("inventory", "TransferPlan").objects.create(number=number)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    found = dict(Sequence.objects.values_list("name", "value"))
    assert found["order"] == 57  # the highest order number, above the counter
    assert found["tracking"] == 42
    assert found["transfer_plan:20260314"] == 7 and found["transfer_plan:20260315"] == 2
    assert sequences.next_value("order") == 58
