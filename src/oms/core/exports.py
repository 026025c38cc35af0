"""The one export helper: every CSV and Excel file the system writes goes through here.

It is the one place where cells are made safe. A text cell that begins with = + - @ tab or carriage
return would be read by Excel or WPS as a formula (CSV injection: anyone who can type a customer
name, a SKU or a user name on the sign-in page could plant one). So:

- CSV: such a cell is written with a leading apostrophe, which spreadsheets show as text;
- XLSX: such a cell is written as a string cell (never openpyxl's formula type) with the "quote
  prefix" style, so Excel keeps it text even when someone edits the cell.

Lists are streamed: CSV row by row, XLSX through a write-only workbook spooled to disk.
Exports of a model list read through `restrict(user)` (`scoped_export`), so none can skip scoping.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.db import models
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from oms.core.scoping import restrict

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")

# What makes Excel / WPS / LibreOffice read a text cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# (header, attribute path "a.b.c" or callable(obj) -> value)
Column = tuple[Any, str | Callable[[Any], Any]]


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _plain(value: Any) -> Any:
    """A value a spreadsheet can hold: numbers, booleans and dates stay typed, the rest is text."""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None)  # Excel has no time zones: local time
    if isinstance(value, Decimal | int | float | bool | date) or value is None:
        return value
    return str(value)  # lazy translations, model instances, ...


def csv_cell(value: Any) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if is_formula_like(value):
        return "'" + value
    return value


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    value = _plain(value)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value)
    if is_formula_like(value) or cell.data_type == "f":
        cell.data_type = "s"  # openpyxl types any "=..." string as a formula; this one is text
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


@dataclass
class Sheet:
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    title: str = "Sheet1"


def write_xlsx(sheets: Sequence[Sheet], out: IO[bytes]) -> None:
    """Write-only workbook (constant memory), one sheet per `Sheet`, header row first."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(title=str(spec.title)[:31])
        header = []
        for h in spec.headers:
            cell = _xlsx_cell(sheet, str(h))
            if not isinstance(cell, str):
                cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    book.save(out)


def xlsx_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]], title: str = "Sheet1") -> bytes:
    return workbook_bytes([Sheet(headers, rows, title)])


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return buffer.getvalue()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[Any], rows: Iterable[Sequence[Any]], bom: bool = True) -> Iterator[str]:
    """The CSV text line by line (UTF-8 BOM first so that Excel shows Chinese)."""
    writer = csv.writer(_Echo())
    if bom:
        yield "\ufeff"
    yield writer.writerow([csv_cell(str(h)) for h in headers])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    return "".join(csv_lines(headers, rows)).encode("utf-8")


def spreadsheet(
    fmt: str, filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], title: str = "Sheet1"
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The download of one list: CSV (streamed) or xlsx (spooled to disk, then streamed)."""
    if fmt == "xlsx":
        return workbook_response(filename, [Sheet(headers, rows, title)])
    response = StreamingHttpResponse((line.encode("utf-8") for line in csv_lines(headers, rows)), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def workbook_response(filename: str, sheets: Sequence[Sheet]) -> FileResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    write_xlsx(sheets, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)


def _get(obj: Any, accessor: str | Callable[[Any], Any]) -> Any:
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        value = getattr(value, part, None) if value is not None else None
    return value() if callable(value) else value


def scoped_export(
    user: Any, queryset: models.QuerySet, columns: Sequence[Column], fmt: str, filename: str
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """Export `queryset` as `user` may see it: restrict() is applied here, so no export can skip it."""
    rows = ([_get(obj, accessor) for _header, accessor in columns] for obj in restrict(queryset, user).iterator(2000))
    return spreadsheet(fmt, filename, [h for h, _a in columns], rows)
