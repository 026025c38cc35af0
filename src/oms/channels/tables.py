"""Reading order files row by row: CSV/TSV in any encoding, Excel .xlsx and JSON.

Files are streamed (a million-order CSV never sits in memory whole). Row numbers are the ones an
operator sees in Excel: the header is row 1, the first order row is row 2.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

from oms.channels.parsing import clean_cell

csv.field_size_limit(10 * 1024 * 1024)


class FileFormatError(ValueError):
    """The file as a whole cannot be read; the message names the reason (encoding, columns...)."""


@dataclass(frozen=True)
class Rejection:
    row: int
    column: str
    reason: str
    file: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


SAMPLE = 256 * 1024


def detect_encoding(sample: bytes, complete: bool = False) -> str:
    """The text encoding of a file from its first bytes; GBK/GB2312 are read as GB18030 (a superset).

    `complete`: the sample is the whole file, so a multi-byte character may not be cut at its end."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=complete)
        # A GBK export decodes as GB18030; make sure it reads as Chinese rather than noise.
        best = from_bytes(sample[:65536]).best()
        if best is None or best.encoding.replace("_", "").lower() in {"gb18030", "gbk", "gb2312", "hz", "big5"}:
            return "gb18030"
        return best.encoding
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample[:65536]).best()
    if best is None:
        raise FileFormatError(
            _("The file's text encoding could not be recognised; save it as UTF-8 or GBK (GB18030) and try again.")
        )
    return best.encoding


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        line = 0
        try:
            first = text.readline()
            delimiter = "\t" if first.count("\t") > first.count(",") else ","
            text.seek(0)
            reader = csv.reader(text, delimiter=delimiter)
            for row in reader:
                line = reader.line_num
                yield line, row
        except UnicodeDecodeError as exc:
            raise FileFormatError(
                _("The file is not valid %(encoding)s text near line %(line)s.")
                % {"encoding": encoding, "line": line + 1}
            ) from exc
        except csv.Error as exc:
            raise FileFormatError(
                _("The file cannot be read as CSV near line %(line)s: %(error)s") % {"line": line + 1, "error": exc}
            ) from exc


def open_csv(path: Path, name: str = "") -> Table:
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE)
    if not sample.strip():
        raise FileFormatError(_("The file %(name)s is empty.") % {"name": name or path.name})
    encoding = detect_encoding(sample, complete=len(sample) < SAMPLE)
    rows = _csv_rows(path, encoding)
    headers: list[str] = []
    for _line, row in rows:
        if any(clean_cell(c) for c in row):
            headers = row
            break
    if not headers:
        raise FileFormatError(_("The file %(name)s has no header row.") % {"name": name or path.name})
    return Table(name=name or path.name, headers=headers, rows=rows, encoding=encoding)


def open_xlsx(path: Path, name: str = "") -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-xlsx file
        raise FileFormatError(
            _("%(name)s is not an Excel .xlsx workbook (%(error)s).") % {"name": name or path.name, "error": exc}
        ) from exc
    ws = wb.worksheets[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, ["" if v is None else v for v in values]  # type: ignore[misc]
        finally:
            wb.close()

    it = rows()
    headers: list[str] = []
    for _n, row in it:
        if any(clean_cell(c) for c in row):
            headers = [clean_cell(c) for c in row]
            break
    if not headers:
        raise FileFormatError(_("The file %(name)s has no header row.") % {"name": name or path.name})
    return Table(name=name or path.name, headers=headers, rows=it, encoding="xlsx", extra={"max_row": ws.max_row})


LINE_KEYS = ("lines", "items", "line_items")


def open_json(path: Path, name: str = "") -> Table:
    """A JSON list of rows, or of orders each with a list of lines (flattened to one row per line)."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        doc = json.loads(data.decode(detect_encoding(data[:SAMPLE], complete=len(data) <= SAMPLE)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise FileFormatError(
            _("%(name)s is not valid JSON: %(error)s") % {"name": name or path.name, "error": exc}
        ) from exc
    if isinstance(doc, dict):
        doc = next((doc[k] for k in ("orders", "rows", "data") if isinstance(doc.get(k), list)), None)
    if not isinstance(doc, list):
        raise FileFormatError(_("%(name)s must hold a list of orders.") % {"name": name or path.name})
    flat: list[dict[str, Any]] = []
    for obj in doc:
        if not isinstance(obj, dict):
            flat.append({})
            continue
        lines = next((obj[k] for k in LINE_KEYS if isinstance(obj.get(k), list)), None)
        head = {k: v for k, v in obj.items() if k not in LINE_KEYS and not isinstance(v, dict | list)}
        for v in obj.values():
            if isinstance(v, dict):  # {"address": {"province": ...}} -> "province"
                head.update({kk: vv for kk, vv in v.items() if not isinstance(vv, dict | list)})
        if lines:
            for line in lines:
                flat.append({**head, **(line if isinstance(line, dict) else {})})
        else:
            flat.append(head)
    headers: list[str] = []
    for row in flat:
        for key in row:
            if key not in headers:
                headers.append(key)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(flat, start=1):
            yield number, [row.get(h, "") for h in headers]

    return Table(name=name or path.name, headers=headers, rows=rows(), encoding="json")


def open_table(path: Path, fmt: str = "", name: str = "") -> Table:
    """Open by declared format, else by extension/content."""
    suffix = (fmt or Path(name or path.name).suffix.lstrip(".")).lower()
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if suffix in ("xlsx", "xlsm") or magic.startswith(b"PK\x03\x04"):
        return open_xlsx(path, name)
    if suffix == "json":
        return open_json(path, name)
    return open_csv(path, name)


def count_rows(path: Path, fmt: str = "", name: str = "") -> int:
    """How many data rows a file holds, for the progress bar (a quick pass)."""
    table = open_table(path, fmt, name)
    if "max_row" in table.extra and table.extra["max_row"]:
        return max(0, int(table.extra["max_row"]) - 1)
    return sum(1 for _ in table.rows)
