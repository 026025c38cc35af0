"""Plain SQL for the reservation hot path. The ORM spends far longer building a statement than the database
spends running it (a reservation is a handful of one-row statements), so the few statements run on every
reservation are written out once here. Parameters are always bound, values prepared by the model fields."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def returning() -> bool:
    """Whether INSERT/UPDATE ... RETURNING works (PostgreSQL; SQLite 3.35+)."""
    return bool(connection.features.can_return_rows_from_bulk_insert)


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def insert(model: type[Model], rows: list[dict[str, Any]]) -> list[Model]:
    """One multi-row INSERT of `rows` ({attname: value}, every row the same keys, auto_now fields included);
    returns saved instances with their primary keys. For hundreds of rows without ids back (bulk intake) use
    orders.bulk.insert_rows."""
    if not rows:
        return []
    objs = [model(**row) for row in rows]
    if not returning():
        return model._default_manager.bulk_create(objs)  # type: ignore[attr-defined]
    meta = model._meta
    names = list(rows[0])
    fields: list[Any] = [
        meta.get_field(n[:-3] if n.endswith("_id") and n not in _concrete(model) else n) for n in names
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values: list[Any] = []
    for row in rows:
        values.extend(f.get_db_prep_save(row[n], connection) for f, n in zip(fields, names, strict=True))
    group = f"({placeholders(len(names))})"
    # Table and column names come from the model; every value is a bound parameter.
    pk_column: Any = meta.pk.column  # type: ignore[union-attr]
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(pk_column)
    sql = "INSERT INTO " + table + " (" + columns + ") VALUES " + ", ".join([group] * len(rows)) + " RETURNING " + pk  # noqa: S608
    ids = [r[0] for r in fetch(sql, values)]
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _concrete(model: type[Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def id_list(values: Iterable[int]) -> tuple[str, list[int]]:
    """'(%s, %s, ...)' and the values, for an IN clause."""
    items = sorted(set(values))
    return f"({placeholders(len(items))})", items
