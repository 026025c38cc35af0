"""The orders in an import job's stored files, read with the parser of the job's format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from oms.channels.adapters.generic import ParsedOrder, parse_generic
from oms.channels.adapters.jd import parse_jd
from oms.channels.adapters.taobao import is_item_report, parse_taobao
from oms.channels.models import ImportFormat, ImportJob
from oms.channels.tables import count_rows, open_table

__all__ = ["main_row_count", "parse_job"]


def _path(stored: str) -> Path:
    p = Path(stored)
    return p if p.is_absolute() else Path(settings.MEDIA_ROOT) / p


def parse_job(job: ImportJob) -> Iterator[ParsedOrder]:
    """The orders of the job's files, in file order."""
    paths = [_path(f) for f in job.files]
    names = job.file_names or [p.name for p in paths]
    if job.format == ImportFormat.TAOBAO:
        return parse_taobao(open_table(paths[0], "", names[0]), open_table(paths[1], "", names[1]))
    if job.format == ImportFormat.JD:
        return parse_jd(open_table(paths[0], "", names[0]))
    mapping = (job.channel.options or {}).get("column_mapping") or {}
    return parse_generic(open_table(paths[0], job.format, names[0]), mapping)


def main_row_count(job: ImportJob) -> int:
    paths = [_path(f) for f in job.files]
    names = job.file_names or [p.name for p in paths]
    if job.format == ImportFormat.TAOBAO:
        tables = [open_table(p, "", n) for p, n in zip(paths, names, strict=True)]
        main = 1 if is_item_report(tables[0]) and not is_item_report(tables[1]) else 0
        return count_rows(paths[main], "", names[main])
    fmt = job.format if job.format in ("csv", "xlsx", "json") else ""
    return count_rows(paths[0], fmt, names[0])
