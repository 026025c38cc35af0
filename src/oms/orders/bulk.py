"""Bulk writes for intake: model rows inserted with one executemany, instances built without
Model.__init__, and the few per-batch lookups as plain SQL.

Bulk intake writes a million orders in one import; at that size Django's per-object machinery
(Model.__init__ with its signals, bulk_create's per-value compiler, an IN lookup compiled value by
value) cost more than the database writes themselves. Everything here produces exactly the rows
and instances the ORM would; tests in orders/tests/test_bulk.py compare them.

For a few rows whose ids the caller needs at once (a reservation), use inventory.sql.insert: one
multi-row INSERT ... RETURNING. insert_rows is for hundreds of rows per call and returns no ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.base import ModelState
from django.utils import timezone

# Field types whose Python value (as intake builds it) is already what the database driver takes
# (Django adapts Decimal as-is on every backend). Dates and JSON go through get_db_prep_save.
_PASS_THROUGH = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.DecimalField,
)


class Row:
    """A row to insert without building a model instance: the model's attribute names as
    attributes; a field left out takes its default."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


class _Plan:
    """How to turn one object's __dict__ into a row for one model, computed once per model."""

    def __init__(self, model: type[models.Model], conn: Any) -> None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        now_fields = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        passed = [f for f in fields if f not in now_fields and isinstance(f, _PASS_THROUGH)]
        prepped = [f for f in fields if f not in now_fields and f not in passed]
        self.model = model
        self.passed = passed
        self.prepped = prepped
        self.now_fields = now_fields
        qn = conn.ops.quote_name
        ordered = passed + prepped + now_fields
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values bound
            qn(model._meta.db_table),
            ", ".join(qn(str(f.column)) for f in ordered),
            ", ".join(["%s"] * len(ordered)),
        )
        self.defaults = {f.attname: f.get_default() for f in passed + prepped if not callable(f.default)}
        self.callable_defaults = {f.attname: f for f in passed + prepped if callable(f.default)}
        self.names = frozenset(f.attname for f in passed + prepped)
        names = [f.attname for f in passed]
        self.get_passed = itemgetter(*names) if len(names) > 1 else (lambda d, n=names[0]: (d[n],))
        self.conn = conn

    def complete(self, values: dict[str, Any]) -> None:
        """Fill in the defaults of the fields `values` leaves out (in place)."""
        missing = self.names - values.keys()
        for name in missing:
            f = self.callable_defaults.get(name)
            values[name] = f.get_default() if f is not None else self.defaults[name]

    def row(self, values: dict[str, Any], now_db: Any) -> tuple[Any, ...]:
        conn = self.conn
        prepped = tuple(_prep(f, values[f.attname], conn) for f in self.prepped)
        return self.get_passed(values) + prepped + (now_db,) * len(self.now_fields)


def _prep(f: models.Field, value: Any, conn: Any) -> Any:
    if value is None:
        return None
    if value == [] and isinstance(f, models.JSONField):
        return "[]"
    return f.get_db_prep_save(value, conn)


_PLANS: dict[tuple[str, type[models.Model]], _Plan] = {}


def _plan(model: type[models.Model], alias: str = DEFAULT_DB_ALIAS) -> _Plan:
    conn = connections[alias]
    plan = _PLANS.get((conn.vendor, model))
    if plan is None or plan.conn is not conn:
        plan = _PLANS[(conn.vendor, model)] = _Plan(model, conn)
    return plan


def insert_rows(model: type[models.Model], objs: Sequence[Any]) -> None:
    """INSERT model instances, Rows or dicts of attribute values with one executemany, without ids
    back. auto_now and auto_now_add fields get one shared timestamp, set on the objects too."""
    if not objs:
        return
    plan = _plan(model)
    now = timezone.now()
    now_db = plan.now_fields[0].get_db_prep_save(now, plan.conn) if plan.now_fields else None
    rows = []
    for obj in objs:
        values = obj if obj.__class__ is dict else obj.__dict__
        plan.complete(values)
        for f in plan.now_fields:
            values[f.attname] = now
        rows.append(plan.row(values, now_db))
    with plan.conn.cursor() as cursor:
        cursor.executemany(plan.sql, rows)


def new_instance(model: type[models.Model], values: dict[str, Any], **related: Any) -> Any:
    """An unsaved instance with `values` (attribute names) and every other field at its default,
    built without Model.__init__ (no per-field descriptors, no init signals). `related` caches
    already-loaded related objects (channel=...), so reading them costs no query."""
    plan = _plan(model)
    obj = model.__new__(model)
    state = ModelState()
    if related:
        state.fields_cache = dict(related)
    obj._state = state
    plan.complete(values)
    values.setdefault(model._meta.pk.attname, None)
    for f in plan.now_fields:
        values.setdefault(f.attname, None)
    obj.__dict__.update(values)
    return obj


def select_where_in(
    model: type[models.Model],
    fields: Sequence[str],
    column: str,
    items: Iterable[Any],
    *,
    where: dict[str, Any] | None = None,
    exclude: dict[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """`fields` of the rows whose `column` is IN `items` (and `where` holds, `exclude` does not;
    equalities), as one plain query with the fields' database converters applied. Django compiles
    an IN list value by value, which costs more than the lookup itself at a batch of hundreds."""
    items = list(items)
    if not items:
        return []
    conn = connections[DEFAULT_DB_ALIAS]
    qn = conn.ops.quote_name
    meta = model._meta
    where, exclude = where or {}, exclude or {}

    def field(name: str) -> Any:
        return meta.get_field(name)

    conditions = [f"{qn(field(name).column)} = %s" for name in where]
    conditions += [f"{qn(field(name).column)} <> %s" for name in exclude]
    conditions.append(f"{qn(field(column).column)} IN ({', '.join(['%s'] * len(items))})")
    selected = [field(name) for name in fields]
    sql = "SELECT {} FROM {} WHERE {}".format(  # noqa: S608 - names from the model, values bound
        ", ".join(qn(f.column) for f in selected), qn(meta.db_table), " AND ".join(conditions)
    )
    converters = []
    for i, f in enumerate(selected):
        col = f.get_col(meta.db_table)
        found = conn.ops.get_db_converters(col) + f.get_db_converters(conn)
        if found:
            converters.append((i, col, found))
    with conn.cursor() as cursor:
        cursor.execute(sql, [*where.values(), *exclude.values(), *items])
        rows = cursor.fetchall()
    if not converters:
        return [tuple(r) for r in rows]
    out = []
    for r in rows:
        row = list(r)
        for i, col, found in converters:
            value = row[i]
            for convert in found:
                value = convert(value, col, conn)
            row[i] = value
        out.append(tuple(row))
    return out


def dumps(value: Any) -> str:
    """JSON the way Django's JSONField stores it."""
    return json.dumps(value)
