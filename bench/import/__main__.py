"""Import benchmark (not a test): our real import path against raw SQLite executemany.

    .venv/bin/python bench/import [--orders N] [--profile]      (BENCH_FULL=1: 1,000,000 orders)

Generates N orders (1-5 lines each; Chinese names, mobile numbers and addresses) as one CSV, imports
it through the same code as `oms import` (file stored in the inbox, parsed, mapped, checked,
classified, deduplicated, events written) into a fresh SQLite data dir, then inserts the same rows
into an empty SQLite file with plain executemany. Prints orders/second for both, their ratio
(goal >= 0.25) and the peak memory of the process (goal <= 300 MB at 1,000,000 orders).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sample_people import GIVEN, PLACES, PREFIXES, STREETS, SURNAMES  # noqa: E402

HEADER = [
    "order_id",
    "placed_at",
    "customer_name",
    "phone",
    "province",
    "city",
    "district",
    "address",
    "sku",
    "item_name",
    "quantity",
    "unit_price",
    "shipping_fee",
    "total",
    "paid",
    "payment_method",
]
N_PRODUCTS = 200


def generate(path: Path, n: int, seed: int = 7) -> int:
    rnd = random.Random(seed)
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
            phone = rnd.choice(PREFIXES) + f"{rnd.randrange(10**8):08d}"
            province, city, district = rnd.choice(PLACES)
            detail = (
                f"{rnd.choice(STREETS)} {rnd.randrange(1, 999)}号 {rnd.randrange(1, 30)}幢 {rnd.randrange(101, 2999)}室"
            )
            lines = []
            for _ in range(rnd.randint(1, 5)):
                p = rnd.randrange(1, N_PRODUCTS + 1)
                lines.append((f"SKU-{p:04d}", f"商品 {p}", rnd.randint(1, 3), f"{9.9 + p % 50 * 10:.2f}"))
            shipping = "0.00" if len(lines) > 1 else "8.00"
            total = sum(q * float(price) for _s, _n, q, price in lines) + float(shipping)
            placed = f"2026-{1 + i % 11:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}"
            for sku, item, qty, price in lines:
                w.writerow(
                    [
                        f"B{i:08d}",
                        placed,
                        name,
                        phone,
                        province,
                        city,
                        district,
                        detail,
                        sku,
                        item,
                        qty,
                        price,
                        shipping,
                        f"{total:.2f}",
                        f"{total:.2f}",
                        "支付宝",
                    ]
                )
                rows += 1
    return rows


RAW_SCHEMA = """
CREATE TABLE orders (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE, placed_at TEXT, customer_name TEXT,
  phone TEXT, province TEXT, city TEXT, district TEXT, address TEXT, shipping TEXT, total TEXT, paid TEXT,
  payment_method TEXT);
CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER, sku TEXT, name TEXT, quantity INTEGER, unit_price TEXT);
"""


def raw_insert(csv_path: Path, db_path: Path) -> int:
    """The floor: the same rows into an empty SQLite file, executemany, no checks at all."""
    con = sqlite3.connect(db_path)
    con.executescript(RAW_SCHEMA)
    orders, lines, n, current, oid = [], [], 0, None, 0
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for r in reader:
            if r[0] != current:
                current, oid = r[0], oid + 1
                orders.append((oid, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[12], r[13], r[14], r[15]))
                n += 1
            lines.append((oid, r[8], r[9], int(r[10]), r[11]))
            if len(orders) >= 5000:
                con.executemany("INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", orders)
                con.executemany(
                    "INSERT INTO lines (order_id, sku, name, quantity, unit_price) VALUES (?,?,?,?,?)", lines
                )
                orders, lines = [], []
    con.executemany("INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", orders)
    con.executemany("INSERT INTO lines (order_id, sku, name, quantity, unit_price) VALUES (?,?,?,?,?)", lines)
    con.commit()
    con.close()
    return n


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (the online backup API)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def raw_insert_same_schema(csv_path: Path, template: Path, db_path: Path, pragmas: str) -> int:
    """The floor with our schema: the rows an import stores (orders with every column, their lines,
    one event each) into an empty copy of OMS's own database, with its indexes, triggers, foreign
    keys and connection settings, by executemany. No parsing beyond the CSV reader, no checks, no
    classification, no duplicate lookups."""
    from django.db import connection

    from oms.channels.importer import IMPORT_CACHE_KIB
    from oms.inventory.models import Product
    from oms.orders.models import Order, OrderEvent, OrderLine

    copy_database(template, db_path)
    con = sqlite3.connect(db_path, isolation_level=None)
    con.executescript(pragmas)
    con.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")  # as the importer sets it
    con.execute("BEGIN IMMEDIATE")
    channel_id = con.execute("SELECT id FROM channels_channel WHERE code = 'bench'").fetchone()[0]
    product_ids = dict(Product.objects.values_list("sku", "pk"))
    now = "2026-11-25 00:00:00"

    def plan(model: Any) -> tuple[str, list[str], dict[str, Any]]:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        defaults = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
            elif f.null and not f.has_default():
                defaults[f.attname] = None
            else:
                defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        names = ["id", *(f.attname for f in fields)]
        columns = ", ".join(['"id"', *(f'"{f.column}"' for f in fields)])
        sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({', '.join('?' * len(names))})"  # noqa: S608
        return sql, names, defaults

    order_sql, order_names, order_defaults = plan(Order)
    line_sql, line_names, line_defaults = plan(OrderLine)
    event_sql, event_names, event_defaults = plan(OrderEvent)
    orders: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    n, current, oid, line_no, line_id = 0, None, 0, 0, 0

    def flush() -> None:
        con.executemany(order_sql, orders)
        con.executemany(line_sql, lines)
        con.executemany(event_sql, events)
        orders.clear()
        lines.clear()
        events.clear()

    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for r in reader:
            if r[0] != current:
                current, oid, line_no, n = r[0], oid + 1, 0, n + 1
                row = dict(order_defaults)
                row.update(
                    id=oid,
                    number=f"SO{oid:08d}",
                    channel_id=channel_id,
                    external_id=r[0],
                    external_number=r[0],
                    placed_at=r[1],
                    customer_name=r[2],
                    customer_phone=r[3],
                    province=r[4],
                    city=r[5],
                    district=r[6],
                    address_detail=r[7],
                    address_raw=" ".join(r[4:8]),
                    shipping_amount=r[12],
                    total_amount=r[13],
                    paid_amount=r[14],
                    payment_method=r[15],
                    status="pending_review",
                )
                orders.append(tuple(row[k] for k in order_names))
                event = dict(event_defaults)
                event.update(id=oid, order_id=oid, type="created", status_from="received", status_to="pending_review")
                events.append(tuple(event[k] for k in event_names))
            line_no, line_id = line_no + 1, line_id + 1
            line = dict(line_defaults)
            line.update(
                id=line_id,
                order_id=oid,
                line_no=line_no,
                platform_sku=r[8],
                sku=r[8],
                product_id=product_ids.get(r[8]),
                name=r[9],
                quantity=int(r[10]),
                unit_price=r[11],
                line_total=r[11],
            )
            lines.append(tuple(line[k] for k in line_names))
            if len(orders) >= 5000:
                flush()
    flush()
    con.execute("COMMIT")
    con.close()
    return n


def main() -> int:
    full = os.environ.get("BENCH_FULL") == "1"
    parser = argparse.ArgumentParser(prog="bench/import")
    parser.add_argument("--orders", type=int, default=1_000_000 if full else 20_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the import and print the top functions")
    parser.add_argument(
        "--in-process", action="store_true", help="read and check in the importing process (no second process)"
    )
    parser.add_argument("--batch-size", type=int, default=0, help="orders per batch (default: the parameter's)")
    parser.add_argument("--workdir", default="", help="keep files here instead of a temporary directory")
    args = parser.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="oms-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["OMS_DATA_DIR"] = str(work / "data")
    os.environ.pop("OMS_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    import django

    django.setup()
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("oms.channels.importer").setLevel(logging.INFO)
    stats: dict[str, Any] = {}

    class KeepStats(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            stats.update(getattr(record, "import_stats", {}))

    logging.getLogger("oms.channels.importer").addHandler(KeepStats())
    from django.core.management import call_command

    from oms.channels import actions, importer
    from oms.core.actor import Actor
    from oms.inventory.models import Product

    csv_path = work / "orders.csv"
    t = time.perf_counter()
    rows = generate(csv_path, args.orders)
    print(
        f"generated {args.orders:,} orders ({rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB) "
        f"in {time.perf_counter() - t:.1f}s"
    )

    call_command("migrate", verbosity=0)
    from oms.system import params

    if args.in_process:
        params.set_value("channels.import_parallel_min_rows", 0)
    if args.batch_size:
        params.set_value("channels.import_batch_size", args.batch_size)
    channel = actions.save_channel(actor=Actor.system("bench"), code="bench", platform="file")
    Product.objects.bulk_create(
        [Product(sku=f"SKU-{p:04d}", name=f"商品 {p}") for p in range(1, N_PRODUCTS + 1)], ignore_conflicts=True
    )

    # The empty database, as the import finds it, is the template of the same-schema baseline.
    from django.conf import settings
    from django.db import connection

    connection.close()
    template = work / "template.sqlite3"
    copy_database(Path(settings.DATABASES["default"]["NAME"]), template)
    pragmas = settings.DATABASES["default"]["OPTIONS"]["init_command"]

    def baselines(tag: str) -> tuple[float, float]:
        t = time.perf_counter()
        assert raw_insert(csv_path, work / f"raw-{tag}.sqlite3") == args.orders
        minimal = time.perf_counter() - t
        t = time.perf_counter()
        assert raw_insert_same_schema(csv_path, template, work / f"raw-schema-{tag}.sqlite3", pragmas) == args.orders
        return minimal, time.perf_counter() - t

    # The baselines run before and after the import and the two are averaged, so that a machine
    # shared with other work does not flatter or penalise either side.
    before = baselines("before")

    # The peak is measured from here: the baseline that just ran in this process is not the import's.
    # (Linux: writing 5 to clear_refs resets VmHWM to the current resident size.)
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    from oms.channels.import_pipeline import peak_memory_mb

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t = time.perf_counter()
    job, _resumed = importer.create_job(channel=channel, paths=[csv_path], fmt="csv")
    job = importer.run(job.pk)
    ours = time.perf_counter() - t
    if profiler:
        profiler.disable()
    peak_mb = peak_memory_mb()
    child_mb = stats.get("reader_peak_mb", 0.0)
    if job.status != "done":
        print(f"import failed: {job.error}")
        return 1

    after = baselines("after")
    assert args.orders == job.processed_orders, job.processed_orders
    minimal, same_schema = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2

    ours_rate = args.orders / ours
    print(
        f"import (oms):        {ours_rate:12,.0f} orders/s  ({ours:.1f}s; imported {job.imported:,}, "
        f"invalid {job.invalid:,}, rejected rows {job.rejected:,})"
    )
    print(
        f"raw, our schema:     {args.orders / same_schema:12,.0f} orders/s  ({same_schema:.1f}s; orders, lines and "
        "events into an empty copy of our database: indexes, triggers, foreign keys)"
    )
    print(
        f"raw, bare tables:    {args.orders / minimal:12,.0f} orders/s  ({minimal:.1f}s; two tables, one index, "
        "13 + 5 columns)"
    )
    print(f"ratio (our schema):  {ours_rate / (args.orders / same_schema):12.3f}  (goal >= 0.25)")
    print(f"ratio (bare tables): {ours_rate / (args.orders / minimal):12.3f}")
    print(
        f"peak memory:         {peak_mb + child_mb:12.0f} MB ({peak_mb:.0f} MB importer + {child_mb:.0f} MB reading "
        "process) "
        "(goal <= 300 MB at 1,000,000 orders)"
    )
    if profiler:
        import pstats

        print("\nwhere the import's time goes (cumulative, top 30):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        print("\n(own time, top 20):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
