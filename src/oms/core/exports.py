"""Exports of console lists (CSV or Excel) that always read through the user's data scope."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import HttpResponse
from django.utils import timezone

from oms.core.scoping import restrict

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, attribute path "a.b.c" or callable(obj) -> value)
Column = tuple[Any, str | Callable[[Any], Any]]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None)  # Excel has no time zones: local time
    if isinstance(value, Decimal | int | float | bool) or value is None:
        return value
    return str(value)


def _get(obj: Any, accessor: str | Callable[[Any], Any]) -> Any:
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        value = getattr(value, part, None) if value is not None else None
    return value() if callable(value) else value


def spreadsheet(fmt: str, filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """CSV (UTF-8 with BOM so that Excel shows Chinese) or xlsx (openpyxl, write-only)."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append([_cell(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    response = HttpResponse(("\ufeff" + text.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def scoped_export(
    user: Any, queryset: models.QuerySet, columns: Sequence[Column], fmt: str, filename: str
) -> HttpResponse:
    """Export `queryset` as `user` may see it: restrict() is applied here, so no export can skip it."""
    rows = ([_get(obj, accessor) for _header, accessor in columns] for obj in restrict(queryset, user).iterator(2000))
    return spreadsheet(fmt, filename, [h for h, _a in columns], rows)
