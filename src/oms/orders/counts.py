"""OrderCount: orders per (channel, status, type, class list, UTC month received) up to a mark (the
last order id it has counted). The order list reads OrderCount plus the few orders after the mark
instead of counting every order.

Nothing is written per new order: new orders stay after the mark until `fold()` (a periodic task
every minute, and whoever has just written many orders) counts them with one GROUP BY and moves the
mark. Changes to an order already counted (status, class list, type, channel, received) and deletions are
followed by triggers on orders_order, in the writer's transaction, whatever code writes them.

(An INSERT trigger would have done without the mark, but it cost 28 us per order on SQLite, where a
single-row INSERT with a trigger needs a statement journal, about three times the insert itself, and
20 us per order on PostgreSQL; an UPDATE trigger costs about 2 us per row.)

Installed by migration 0011 and checked after every `migrate` (`ensure_triggers`): on SQLite, a
migration that rebuilds orders_order (Django's way of altering most columns there) drops the
table's triggers with the old table; they are then created again and OrderCount filled afresh."""

from __future__ import annotations

from typing import Any

from django.db import connections, transaction

# The UTC month an order was received in: OrderCount's rows are per month, so that a date filter
# takes its whole months from OrderCount and reads only the orders of its first and last month.
MONTH = {
    "sqlite": "strftime('%Y-%m-01', {t}.created_at)",
    "postgresql": "(date_trunc('month', {t}.created_at AT TIME ZONE 'UTC'))::date",
}
KEY = "channel_id, status, order_type, classes, month"
COUNTED = "OLD.id <= COALESCE((SELECT last_order_id FROM orders_ordercountmark WHERE id = 1), 0)"
CHANGED = (
    "OLD.channel_id IS NOT NEW.channel_id OR OLD.status IS NOT NEW.status"
    " OR OLD.order_type IS NOT NEW.order_type OR OLD.classes IS NOT NEW.classes"
    " OR OLD.created_at IS NOT NEW.created_at"
)


def _decrement(vendor: str) -> str:
    old = MONTH[vendor].format(t="OLD")
    where = "channel_id = OLD.channel_id AND status = OLD.status AND order_type = OLD.order_type"
    return f"UPDATE orders_ordercount SET n = n - 1 WHERE {where} AND classes = OLD.classes AND month = {old};"  # noqa: S608


def _increment(vendor: str) -> str:
    values = f"NEW.channel_id, NEW.status, NEW.order_type, NEW.classes, {MONTH[vendor].format(t='NEW')}, 1"
    upsert = f"ON CONFLICT ({KEY}) DO UPDATE SET n = orders_ordercount.n + 1"
    return f"INSERT INTO orders_ordercount ({KEY}, n) VALUES ({values}) {upsert};"  # noqa: S608


SQLITE_TRIGGERS = {
    "orders_ordercount_delete": (
        f"CREATE TRIGGER orders_ordercount_delete AFTER DELETE ON orders_order WHEN {COUNTED}"
        f" BEGIN {_decrement('sqlite')} END"
    ),
    "orders_ordercount_update": (
        "CREATE TRIGGER orders_ordercount_update"
        " AFTER UPDATE OF channel_id, status, order_type, classes, created_at ON orders_order"
        f" WHEN ({CHANGED}) AND {COUNTED} BEGIN {_decrement('sqlite')} {_increment('sqlite')} END"
    ),
}

POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION orders_ordercount_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ({COUNTED}) THEN
    RETURN NULL;
  END IF;
  {_decrement("postgresql")}
  IF TG_OP = 'UPDATE' THEN
    {_increment("postgresql")}
  END IF;
  RETURN NULL;
END $$"""
POSTGRES_TRIGGERS = {
    "orders_ordercount_delete": (
        "CREATE TRIGGER orders_ordercount_delete AFTER DELETE ON orders_order"
        " FOR EACH ROW EXECUTE FUNCTION orders_ordercount_apply()"
    ),
    "orders_ordercount_update": (
        "CREATE TRIGGER orders_ordercount_update"
        " AFTER UPDATE OF channel_id, status, order_type, classes, created_at ON orders_order"
        f" FOR EACH ROW WHEN ({CHANGED.replace(' IS NOT ', ' IS DISTINCT FROM ')})"
        " EXECUTE FUNCTION orders_ordercount_apply()"
    ),
}


def _fold_sql(vendor: str) -> str:
    month = MONTH[vendor].format(t="orders_order")
    columns = f"channel_id, status, order_type, classes, {month}"
    upsert = f"ON CONFLICT ({KEY}) DO UPDATE SET n = orders_ordercount.n + excluded.n"
    select = f"SELECT {columns}, COUNT(*) FROM orders_order WHERE id > %s AND id <= %s GROUP BY {columns}"  # noqa: S608
    return f"INSERT INTO orders_ordercount ({KEY}, n) {select} {upsert}"


def _triggers(vendor: str) -> dict[str, str]:
    if vendor == "sqlite":
        return SQLITE_TRIGGERS
    if vendor == "postgresql":
        return POSTGRES_TRIGGERS
    raise RuntimeError(f"orders_ordercount has no triggers for {vendor}")


def installed_triggers(cursor: Any, vendor: str) -> set[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders_order'"
            " AND name LIKE 'orders_ordercount_%'"
        )
    else:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'orders_order'::regclass AND NOT tgisinternal"
            " AND tgname LIKE 'orders_ordercount_%'"
        )
    return {row[0] for row in cursor.fetchall()}


def drop_triggers(cursor: Any, vendor: str) -> None:
    for name in installed_triggers(cursor, vendor):
        cursor.execute(f"DROP TRIGGER {name}" + (" ON orders_order" if vendor == "postgresql" else ""))


def _lock_writers(cursor: Any, vendor: str) -> None:
    """PostgreSQL: wait for the transactions writing orders to end and keep new ones out until the
    commit, so that every id up to MAX(id) is committed (or gone) when it is read. SQLite's write
    transaction (BEGIN IMMEDIATE) already excludes every other writer."""
    if vendor == "postgresql":
        cursor.execute("LOCK TABLE orders_order IN SHARE MODE")


def install(cursor: Any, vendor: str) -> None:
    """Create the triggers (dropping any left over), then count every order held and set the mark.
    Run inside a transaction."""
    _lock_writers(cursor, vendor)
    drop_triggers(cursor, vendor)
    if vendor == "postgresql":
        cursor.execute(POSTGRES_FUNCTION)
    for sql in _triggers(vendor).values():
        cursor.execute(sql)
    cursor.execute("DELETE FROM orders_ordercount")
    cursor.execute("DELETE FROM orders_ordercountmark")
    cursor.execute(
        "INSERT INTO orders_ordercountmark (id, last_order_id) SELECT 1, COALESCE(MAX(id), 0) FROM orders_order"
    )
    cursor.execute("SELECT last_order_id FROM orders_ordercountmark WHERE id = 1")
    cursor.execute(_fold_sql(vendor), [0, cursor.fetchone()[0]])


def mark(using: str = "default") -> int:
    """The last order id OrderCount has counted (orders after it are counted from the orders)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT last_order_id FROM orders_ordercountmark WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def fold(using: str = "default", upto: int | None = None) -> int:
    """Count the orders after the mark (up to id `upto`, default all) into OrderCount and move the
    mark to the last of them, in one short write transaction. Returns how far the mark moved."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _lock_writers(cursor, connection.vendor)
        cursor.execute("SELECT last_order_id FROM orders_ordercountmark WHERE id = 1")
        row = cursor.fetchone()
        if row is None:
            return 0  # not installed (ensure_triggers puts it right after a migrate)
        last = int(row[0])
        cursor.execute("SELECT MAX(id) FROM orders_order")
        top = cursor.fetchone()[0]
        if top is not None and upto is not None:
            top = min(top, upto)
        if top is None or top <= last:
            return 0
        cursor.execute(_fold_sql(connection.vendor), [last, top])
        cursor.execute("UPDATE orders_ordercountmark SET last_order_id = %s WHERE id = 1", [top])
    return int(top) - last


def ensure_triggers(using: str = "default", **_kwargs: Any) -> bool:
    """After a migrate: put the triggers back (and count afresh) if some are missing or left over
    from an older version, or the mark is missing. True when it had to."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    tables = set(connection.introspection.table_names())
    if not {"orders_order", "orders_ordercount", "orders_ordercountmark"} <= tables:
        return False  # migrated back before 0010, or not yet migrated
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM orders_ordercountmark WHERE id = 1")
        has_mark = cursor.fetchone()[0] == 1
        if has_mark and installed_triggers(cursor, connection.vendor) == set(_triggers(connection.vendor)):
            return False
        install(cursor, connection.vendor)
    return True
