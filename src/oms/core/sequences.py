"""Named number sequences (order, tracking, transfer plan, merge group numbers ...).

`allocate(name, count)` hands out a block of `count` consecutive values with one statement,
`INSERT ... ON CONFLICT (name) DO UPDATE SET value = value + count RETURNING value`: the row is created on
first use, and the update takes the row's write lock (PostgreSQL) or the database write lock (SQLite,
whose transactions here are IMMEDIATE), so two processes never receive the same value. Run inside the
caller's transaction, a rollback hands the block back; values are never reused after a commit, and a
gap (a block allocated and then not used) is harmless: numbers are unique, not dense.
"""

from __future__ import annotations

from django.db import connection

from oms.core.models import Sequence

_TABLE = Sequence._meta.db_table
# The table name is ours, the values are parameters.
_UPSERT = (
    "INSERT INTO " + _TABLE + " (name, value) VALUES (%s, %s) ON CONFLICT (name) "  # noqa: S608
    "DO UPDATE SET value = " + _TABLE + ".value + excluded.value RETURNING value"
)


def allocate(name: str, count: int = 1) -> range:
    """Reserve `count` values of the sequence `name`; returns them as a range (first value is 1)."""
    if count < 1:
        raise ValueError("allocate at least one value")
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [name, count])
        (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def next_value(name: str) -> int:
    return allocate(name, 1)[0]


def ensure_at_least(name: str, value: int) -> None:
    """Make sure the next value handed out is above `value` (data migrations, imports of old numbers)."""
    Sequence.objects.get_or_create(name=name)
    Sequence.objects.filter(name=name, value__lt=value).update(value=value)


def current(name: str) -> int:
    """The last value handed out (0 before the first)."""
    return Sequence.objects.filter(name=name).values_list("value", flat=True).first() or 0
