"""The triggers that keep OrderCount (orders per channel, status, type and class list) in step with
orders_order, whatever code writes the orders: ORM saves, queryset updates, intake's executemany, SQL.

Installed by migration 0007, and checked after every `migrate` (`ensure_triggers`): on SQLite, a later
migration that rebuilds orders_order (Django's way of altering most columns there) drops the table's
triggers with the old table; they are then created again and OrderCount filled afresh."""

from __future__ import annotations

from typing import Any

SQLITE_TRIGGERS = {
    "orders_ordercount_insert": """CREATE TRIGGER orders_ordercount_insert AFTER INSERT ON orders_order BEGIN
  INSERT INTO orders_ordercount (channel_id, status, order_type, classes, n)
    VALUES (NEW.channel_id, NEW.status, NEW.order_type, NEW.classes, 1)
  ON CONFLICT (channel_id, status, order_type, classes) DO UPDATE SET n = n + 1;
END""",
    "orders_ordercount_delete": """CREATE TRIGGER orders_ordercount_delete AFTER DELETE ON orders_order BEGIN
  UPDATE orders_ordercount SET n = n - 1 WHERE channel_id = OLD.channel_id AND status = OLD.status
    AND order_type = OLD.order_type AND classes = OLD.classes;
END""",
    "orders_ordercount_update": """CREATE TRIGGER orders_ordercount_update
AFTER UPDATE OF channel_id, status, order_type, classes ON orders_order
WHEN OLD.channel_id IS NOT NEW.channel_id OR OLD.status IS NOT NEW.status
  OR OLD.order_type IS NOT NEW.order_type OR OLD.classes IS NOT NEW.classes
BEGIN
  UPDATE orders_ordercount SET n = n - 1 WHERE channel_id = OLD.channel_id AND status = OLD.status
    AND order_type = OLD.order_type AND classes = OLD.classes;
  INSERT INTO orders_ordercount (channel_id, status, order_type, classes, n)
    VALUES (NEW.channel_id, NEW.status, NEW.order_type, NEW.classes, 1)
  ON CONFLICT (channel_id, status, order_type, classes) DO UPDATE SET n = n + 1;
END""",
}

POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION orders_ordercount_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE orders_ordercount SET n = n - 1 WHERE channel_id = OLD.channel_id AND status = OLD.status
      AND order_type = OLD.order_type AND classes = OLD.classes;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO orders_ordercount (channel_id, status, order_type, classes, n)
    VALUES (NEW.channel_id, NEW.status, NEW.order_type, NEW.classes, 1)
    ON CONFLICT (channel_id, status, order_type, classes) DO UPDATE SET n = orders_ordercount.n + 1;
  END IF;
  RETURN NULL;
END $$"""
POSTGRES_TRIGGERS = {
    "orders_ordercount_insert_delete": """CREATE TRIGGER orders_ordercount_insert_delete
AFTER INSERT OR DELETE ON orders_order FOR EACH ROW EXECUTE FUNCTION orders_ordercount_apply()""",
    "orders_ordercount_update": """CREATE TRIGGER orders_ordercount_update
AFTER UPDATE OF channel_id, status, order_type, classes ON orders_order
FOR EACH ROW WHEN (OLD.channel_id IS DISTINCT FROM NEW.channel_id OR OLD.status IS DISTINCT FROM NEW.status
  OR OLD.order_type IS DISTINCT FROM NEW.order_type OR OLD.classes IS DISTINCT FROM NEW.classes)
EXECUTE FUNCTION orders_ordercount_apply()""",
}

FILL = (
    "INSERT INTO orders_ordercount (channel_id, status, order_type, classes, n)"
    " SELECT channel_id, status, order_type, classes, COUNT(*) FROM orders_order"
    " GROUP BY channel_id, status, order_type, classes"
)


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


def install(cursor: Any, vendor: str) -> None:
    """Create the triggers (dropping any left over), then fill OrderCount from the orders held.

    Run in one transaction: on PostgreSQL, CREATE TRIGGER keeps writers to orders_order out until the
    commit, so no order is missed or counted twice; SQLite has one writer anyway."""
    triggers = _triggers(vendor)
    for name in installed_triggers(cursor, vendor):
        cursor.execute(f"DROP TRIGGER {name}" + (" ON orders_order" if vendor == "postgresql" else ""))
    if vendor == "postgresql":
        cursor.execute(POSTGRES_FUNCTION)
    for sql in triggers.values():
        cursor.execute(sql)
    cursor.execute("DELETE FROM orders_ordercount")
    cursor.execute(FILL)


def ensure_triggers(using: str = "default", **_kwargs: Any) -> bool:
    """After a migrate: put the triggers back if some are missing. True when it had to."""
    from django.db import connections, transaction

    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    tables = set(connection.introspection.table_names())
    if not {"orders_order", "orders_ordercount"} <= tables:
        return False  # migrated back before 0007, or not yet migrated
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if installed_triggers(cursor, connection.vendor) == set(_triggers(connection.vendor)):
            return False
        install(cursor, connection.vendor)
    return True
