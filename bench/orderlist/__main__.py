"""Order list benchmark (not a test): the console list and the API list at a million orders.

    .venv/bin/python bench/orderlist [--orders N] [--workdir DIR] [--repeat R] [--explain]
    (BENCH_FULL=1: 1,000,000 orders; quick default 20,000)

Migrates a fresh data dir, fills orders_order and orders_orderline with realistic rows by plain
executemany (not through the importer: far too slow for a million), then requests the real list view
(Django's test Client, signed in as an admin) and the API list for the first page, each filter alone,
status + class, searches and a deep page, and times the counts on their own. Prints the median of
`--repeat` runs per case in ms and the number of SQL statements per request; the baseline of the run
is a bare `SELECT ... ORDER BY created_at DESC LIMIT 50` on the same table. With `--workdir` the
filled database is kept and reused by the next run (`--refill` forces a new one).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sample_people import GIVEN, PLACES, PREFIXES, SURNAMES  # noqa: E402

CHANNELS = [("tmall", "taobao"), ("jd", "jd"), ("shopify", "shopify"), ("woo", "woocommerce"), ("direct", "file")]
CHANNEL_WEIGHTS = [45, 30, 10, 5, 10]
# Most of a year's orders are finished; the working statuses hold a few percent each.
STATUS_WEIGHTS = {
    "delivered": 55,
    "closed": 12,
    "cancelled": 6,
    "shipped": 5,
    "in_transit": 5,
    "out_for_delivery": 1,
    "allocated": 2,
    "confirmed": 2,
    "approved": 2,
    "awaiting_stock": 1,
    "pending_review": 4,
    "pending_finance": 1,
    "on_hold": 1,
    "rejected": 1,
    "invalid": 1.5,
    "received": 0.5,
}
TYPE_WEIGHTS = {"normal": 88, "presale": 5, "urgent": 3, "cod": 2, "exchange": 1, "reshipment": 1}
PAGE = 50


def _setup(work: Path, database_url: str = "") -> None:
    os.environ["OMS_DATA_DIR"] = str(work / "data")
    os.environ.pop("OMS_DATABASE_URL", None)
    if database_url:
        os.environ["OMS_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.config.settings")
    os.environ.setdefault("OMS_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    import django

    django.setup()


def _classes(platform: str, amount: Decimal, order_type: str, vip: bool) -> list[str]:
    """The labels the default classification rules give (orders.rules.DEFAULT_RULES)."""
    labels = ["small" if amount < 100 else "medium" if amount < 1000 else "large"]
    labels.append({"taobao": "src-taobao", "jd": "src-jd", "shopify": "src-shopify"}.get(platform, "src-direct"))
    if platform == "woocommerce":
        labels[-1] = "src-woocommerce"
    if order_type in ("presale", "urgent", "cod"):
        labels.append(order_type)
    if vip:
        labels.append("vip")
    return labels


def fill(n: int, db_path: Path, channels: list[tuple[int, str, str]], seed: int = 7) -> None:
    """n orders with 1-4 lines each, by executemany into the real tables (indexes rebuilt after)."""
    from oms.orders.models import Order, OrderLine

    rnd = random.Random(seed)
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA synchronous=OFF")
    index_sql = [
        sql
        for (sql,) in con.execute(
            "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name IN ('orders_order','orders_orderline') "
            "AND sql IS NOT NULL"
        )
    ]
    for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name IN ('orders_order','orders_orderline') "
        "AND sql IS NOT NULL"
    ).fetchall():
        con.execute(f'DROP INDEX "{name}"')
    order_cols = [f.column for f in Order._meta.concrete_fields if f.column != "id"]
    line_cols = [f.column for f in OrderLine._meta.concrete_fields if f.column != "id"]
    # Columns this script does not set (added to the model later) get the field's default.
    from django.db import connection as dj

    def defaults(model: Any) -> dict[str, Any]:
        out = {}
        for f in model._meta.concrete_fields:
            value = f.get_default()
            out[f.column] = json.dumps(value) if isinstance(value, list | dict) else f.get_db_prep_value(value, dj)
        return out

    order_defaults, line_defaults = defaults(Order), defaults(OrderLine)
    order_sql = (
        f"INSERT INTO orders_order (id, {', '.join(order_cols)}) VALUES ({', '.join('?' * (len(order_cols) + 1))})"  # noqa: S608
    )
    line_sql = f"INSERT INTO orders_orderline ({', '.join(line_cols)}) VALUES ({', '.join('?' * len(line_cols))})"  # noqa: S608
    statuses, status_w = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    types, type_w = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    start = datetime(2025, 11, 25, tzinfo=UTC)
    step = timedelta(days=365) / n
    orders: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    tracking = 0
    for i in range(1, n + 1):
        ch_id, _code, platform = rnd.choices(channels, CHANNEL_WEIGHTS)[0]
        created = start + step * i + timedelta(seconds=rnd.random())
        status = rnd.choices(statuses, status_w)[0]
        order_type = rnd.choices(types, type_w)[0]
        n_lines = rnd.choice((1, 1, 1, 2, 2, 3, 4))
        goods = Decimal(0)
        row_lines = []
        for ln in range(1, n_lines + 1):
            p = rnd.randrange(1, 200)
            qty = rnd.choice((1, 1, 1, 2, 3))
            price = Decimal(rnd.choice((19, 29, 49, 59, 99, 129, 199, 399, 899, 1599))) + Decimal("0.90")
            goods += price * qty
            row_lines.append((i, ln, f"P-{p:04d}", f"SKU-{p:04d}", f"商品 {p}", qty, price, price * qty))
        shipping = Decimal("0.00") if goods >= 99 else Decimal("8.00")
        total = goods + shipping
        vip = rnd.random() < 0.02
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        phone = rnd.choice(PREFIXES) + f"{rnd.randrange(10**8):08d}"
        province, city, district = rnd.choice(PLACES)
        shipped = status in ("shipped", "in_transit", "out_for_delivery", "delivered", "closed")
        if shipped:
            tracking += 1
        stamp = created.strftime("%Y-%m-%d %H:%M:%S.%f")
        values = {
            "number": f"SO{i:010d}",
            "channel_id": ch_id,
            "shop": "",
            "external_id": f"E{i:010d}",
            "external_number": f"{rnd.randrange(10**15, 10**16)}",
            "order_type": order_type,
            "tags": json.dumps(["vip"] if vip else []),
            "classes": json.dumps(_classes(platform, total, order_type, vip)),
            "customer_name": name,
            "customer_phone": phone,
            "customer_email": "",
            "customer_id_card": "",
            "buyer_id": "",
            "country": "CN",
            "province": province,
            "city": city,
            "district": district,
            "address_detail": f"人民路 {rnd.randrange(1, 999)}号",
            "postcode": "",
            "address_raw": "",
            "buyer_note": "",
            "seller_note": "",
            "currency": "CNY",
            "goods_amount": str(goods),
            "shipping_amount": str(shipping),
            "discount_amount": "0",
            "total_amount": str(total),
            "paid_amount": str(total),
            "payment_method": "支付宝",
            "payment_status": "paid",
            "transaction_id": "",
            "placed_at": stamp,
            "paid_at": stamp,
            "source_updated_at": None,
            "status": status,
            "problems": "[]",
            "source": "file",
            "source_hash": "",
            "content_key": f"{rnd.getrandbits(64):016x}",
            "tracking_number": f"SF{tracking:012d}" if shipped else None,
            "warehouse_id": None,
            "version": 1,
            "created_at": stamp,
            "updated_at": stamp,
        }
        orders.append((i, *(values.get(c, order_defaults[c]) for c in order_cols)))
        for line in row_lines:
            lv = {
                "order_id": line[0],
                "line_no": line[1],
                "platform_sku": line[2],
                "product_id": None,
                "sku": line[3],
                "name": line[4],
                "spec": "",
                "quantity": line[5],
                "unit_price": str(line[6]),
                "line_total": str(line[7]),
                "external_line_id": "",
            }
            lines.append(tuple(lv.get(c, line_defaults[c]) for c in line_cols))
        if len(orders) >= 20000:
            con.executemany(order_sql, orders)
            con.executemany(line_sql, lines)
            orders, lines = [], []
    con.executemany(order_sql, orders)
    con.executemany(line_sql, lines)
    con.execute("INSERT OR REPLACE INTO orders_numbersequence (name, value) VALUES ('order', ?)", (n,))
    con.commit()
    for sql in index_sql:
        con.execute(sql)
    con.commit()
    con.close()


def copy_from_sqlite(sqlite_path: Path, channels: list[tuple[int, str, str]]) -> None:
    """The orders of a filled SQLite bench database into PostgreSQL (COPY), same ids, then ANALYZE."""
    from django.db import connection

    from oms.orders.models import Order

    src = sqlite3.connect(sqlite_path)
    by_code = {code: pk for pk, code, _p in channels}
    channel_map = {pk: by_code[code] for pk, code in src.execute("SELECT id, code FROM channels_channel")}
    cols = [f.column for f in Order._meta.concrete_fields]
    channel_at = cols.index("channel_id")
    bools = {i for i, f in enumerate(Order._meta.concrete_fields) if f.get_internal_type() == "BooleanField"}
    with connection.cursor() as cur:
        raw = cur.connection
        with raw.cursor() as pg, pg.copy(f"COPY orders_order ({', '.join(cols)}) FROM STDIN") as copy:
            for row in src.execute(f"SELECT {', '.join(cols)} FROM orders_order"):  # noqa: S608
                values = list(row)
                values[channel_at] = channel_map[values[channel_at]]
                for i in bools:
                    values[i] = bool(values[i])
                for i, v in enumerate(values):
                    if isinstance(v, str) and " " in v and len(v) == 26 and v[4] == "-" and v[13] == ":":
                        values[i] = v + "+00"
                copy.write_row(values)
        cur.execute("SELECT setval(pg_get_serial_sequence('orders_order', 'id'), (SELECT MAX(id) FROM orders_order))")
        cur.execute("ANALYZE orders_order")
    src.close()


CASES: list[tuple[str, str]] = [
    ("first page", ""),
    ("page 2", "page=2"),
    ("page 200", "page=200"),
    ("status=pending_review", "status=pending_review"),
    ("status=delivered", "status=delivered"),
    ("channel", "channel={channel}"),
    ("type=presale", "type=presale"),
    ("class=large", "class=large"),
    ("class=vip", "class=vip"),
    ("amount>=1000", "amount_min=1000"),
    ("amount<=50", "amount_max=50"),
    ("date one month", "date_from=2026-03-01&date_to=2026-03-31"),
    ("date from Jan 1", "date_from=2026-01-01"),
    ("status+class", "status=pending_review&class=large"),
    ("status+channel", "status=pending_review&channel={channel}"),
    ("type+class", "type=urgent&class=vip"),
    ("search phone", "q={phone}"),
    ("search name", "q={name}"),
    ("search number", "q={number}"),
    ("date half", "date_from=2026-05-26"),
    ("amount>=500", "amount_min=500"),
    # a clerk limited to two channels (three quarters of the orders)
    ("scoped: first page", "scoped"),
    ("scoped: status", "scoped&status=pending_review"),
    ("scoped: class", "scoped&class=vip"),
]


def _median_ms(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def main() -> int:
    full = os.environ.get("BENCH_FULL") == "1"
    parser = argparse.ArgumentParser(prog="bench/orderlist")
    parser.add_argument("--orders", type=int, default=1_000_000 if full else 20_000)
    parser.add_argument("--workdir", default="", help="keep (and reuse) the filled database here")
    parser.add_argument("--refill", action="store_true", help="fill again even if --workdir holds a database")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print each request's SQL and its query plan")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument("--tail", type=int, default=5000, help="orders left after OrderCount's mark (not folded)")
    parser.add_argument(
        "--postgres",
        default="",
        metavar="URL",
        help="run against this PostgreSQL database, its orders copied from the SQLite one in --workdir",
    )
    args = parser.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="oms-bench-orderlist-"))
    work.mkdir(parents=True, exist_ok=True)
    sqlite_path = work / "data" / "oms.sqlite3"
    _setup(work, args.postgres)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from oms.channels import actions
    from oms.channels.models import Channel
    from oms.core.actor import Actor
    from oms.orders import selectors
    from oms.orders.models import Order

    db_path = Path(settings.DATABASES["default"]["NAME"])
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t
    have = Order.objects.count()
    if args.refill or have != args.orders:
        if have:
            print(f"emptying the {have:,} orders held")
            with connection.cursor() as cur:
                cur.execute("DELETE FROM orders_orderline")
                cur.execute("DELETE FROM orders_order")
        for code, platform in CHANNELS:
            if not Channel.objects.filter(code=code).exists():
                actions.save_channel(actor=Actor.system("bench"), code=code, platform=platform)
        channels = [(c.pk, c.code, c.platform) for c in Channel.objects.filter(code__in=[c for c, _ in CHANNELS])]
        channels.sort(key=lambda c: [code for code, _ in CHANNELS].index(c[1]))
        connection.close()
        t = time.perf_counter()
        if args.postgres:
            copy_from_sqlite(sqlite_path, channels)
        else:
            fill(args.orders, db_path, channels)
        size_mb = db_path.stat().st_size / 1e6 if not args.postgres else 0
        print(f"filled {args.orders:,} orders in {time.perf_counter() - t:.1f}s ({size_mb:.0f} MB)")
    else:
        print(f"reusing {have:,} orders in {db_path} (migrate took {migrate_s:.1f}s)")
    # OrderCount as the periodic fold leaves it: everything but the last TAIL orders (a minute of intake).
    # (Skipped on a checkout from before OrderCount, to measure a baseline.)
    try:
        from oms.orders import counts
    except ImportError:
        counts = None
    if counts is not None:

        def unfold() -> None:
            with connection.cursor() as cur:
                cur.execute("DELETE FROM orders_ordercount")
                cur.execute("UPDATE orders_ordercountmark SET last_order_id = 0")

        unfold()
        t = time.perf_counter()
        counts.fold(upto=max(args.orders - args.tail, 0))
        fold_s = time.perf_counter() - t
        t = time.perf_counter()
        counts.fold()
        print(
            f"fold of {args.orders - args.tail:,} orders: {fold_s:.2f}s; of the last {args.tail:,}: "
            f"{time.perf_counter() - t:.3f}s (then unfolded again for the runs)"
        )
        unfold()
        counts.fold(upto=max(args.orders - args.tail, 0))

    user_model = get_user_model()
    admin = user_model.objects.filter(username="bench-admin").first() or user_model.objects.create_superuser(
        "bench-admin", "bench@example.com", "x"
    )
    client = Client()
    client.force_login(admin)
    from django.contrib.auth.models import Group

    from oms.accounts.models import UserProfile
    from oms.core.roles import group_name

    clerk = user_model.objects.filter(username="bench-clerk").first() or user_model.objects.create_user(
        "bench-clerk", "clerk@example.com", "x"
    )
    clerk.groups.set([Group.objects.get(name=group_name("viewer"))])
    profile, _ = UserProfile.objects.get_or_create(user=clerk)
    profile.channels.set(Channel.objects.filter(code__in=["tmall", "jd"]))
    scoped = Client()
    scoped.force_login(clerk)
    sample = Order.objects.order_by("pk").values("customer_phone", "customer_name", "number")[args.orders // 2]
    params = {
        "channel": Channel.objects.get(code="jd").pk,
        "phone": sample["customer_phone"],
        "name": sample["customer_name"],
        "number": sample["number"],
    }

    def raw_page() -> list[Any]:
        with connection.cursor() as cur:
            cur.execute("SELECT id, number, status FROM orders_order ORDER BY created_at DESC, id DESC LIMIT 50")
            return cur.fetchall()

    base_ms, _ = _median_ms(raw_page, args.repeat)
    print(f"\nbaseline: bare first-page SELECT ... LIMIT 50: {base_ms:.2f} ms (ratio: slower of list/API to it)\n")
    print(f"{'case':<24}{'list ms':>10}{'stmts':>7}{'rows':>8}{'api ms':>10}{'stmts':>7}{'ratio':>8}")
    explain = args.explain
    for label, query in CASES:
        if args.only and args.only not in label:
            continue
        query = query.format(**params)
        who = client
        if query.startswith("scoped"):
            who, query = scoped, query.removeprefix("scoped").lstrip("&")

        def view(query: str = query, who: Client = who) -> Any:
            response = who.get("/orders/?" + query)
            assert response.status_code == 200, response.status_code
            return response

        def api(query: str = query, who: Client = who) -> Any:
            # the console filters a channel by id, the API by code (`channel`) or by id (`channel_id`)
            response = who.get("/api/v1/orders/?" + query.replace("channel=", "channel_id="))
            assert response.status_code == 200, response.status_code
            return response

        view()  # warm: templates, first connection
        with CaptureQueriesContext(connection) as ctx:
            list_ms, response = _median_ms(view, args.repeat)
        list_stmts = len(ctx.captured_queries) // args.repeat
        rows = response.content.count(b'name="ids"')
        with CaptureQueriesContext(connection) as api_ctx:
            api_ms, _ = _median_ms(api, args.repeat)
        api_stmts = len(api_ctx.captured_queries) // args.repeat
        print(
            f"{label:<24}{list_ms:>10.1f}{list_stmts:>7}{rows:>8}{api_ms:>10.1f}{api_stmts:>7}"
            f"{max(list_ms, api_ms) / max(base_ms, 0.01):>8.0f}"
        )
        if explain:
            for q in ctx.captured_queries[:list_stmts] + api_ctx.captured_queries[:api_stmts]:
                sql = q["sql"]
                if "orders_order" not in sql:
                    continue
                print(f"    {q['time']}s  {sql[:300]}")
                with connection.cursor() as cur:
                    cur.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql)
                    for row in cur.fetchall():
                        print(f"        {row[-1]}")
    print()
    # The counts above the rows on their own (selectors.list_counts), for a few filters.
    for query in [] if counts is None else ["", "status=pending_review", "class=vip", "channel={channel}&type=presale"]:
        query = query.format(**params)
        flt = selectors.OrderFilter.from_params(QueryDict(query))
        ms, shown = _median_ms(lambda flt=flt: selectors.list_counts(admin, flt), args.repeat)
        print(f"list_counts {query or 'no filter':<24} {ms:8.1f} ms  ({shown.total:,} orders)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
