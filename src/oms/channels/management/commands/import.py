"""oms import FILE [FILE2] --channel CODE [--format csv|xlsx|json|taobao|jd]

Runs in the foreground with a progress bar; stopped and run again with the same files, it
continues where it stopped, and every order ends up present exactly once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oms.channels import importer
from oms.channels.models import Channel, ImportFormat, ImportJob, ImportStatus
from oms.channels.tables import FileFormatError


class Command(BaseCommand):
    help = "Import order files into a channel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--channel", required=True)
        parser.add_argument("--format", default="", choices=["", *ImportFormat.values])
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        from tqdm import tqdm

        channel = Channel.objects.filter(code=opts["channel"]).first()
        if channel is None:
            raise CommandError(f"no channel {opts['channel']}; see `oms channel list`")
        paths: list[Path] = opts["files"]
        for p in paths:
            if not p.is_file():
                raise CommandError(f"{p}: no such file")
        try:
            job, resumed = importer.create_job(channel=channel, paths=paths, fmt=opts["format"])
        except FileFormatError as exc:
            raise CommandError(str(exc)) from exc
        if resumed:
            self.stdout.write(f"resuming import {job.pk} after row {job.last_row}")
        bar = tqdm(total=job.total_rows or None, unit="row", disable=opts["no_progress"], initial=job.processed_rows)

        def progress(j: ImportJob) -> None:
            if j.total_rows and bar.total != j.total_rows:
                bar.total = j.total_rows
            bar.update(max(0, j.processed_rows - bar.n))

        job = importer.run(job.pk, progress=progress, force=True)  # a person asked: take over a stopped run
        bar.close()
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.error)
        self.stdout.write(
            f"imported {job.imported}, updated {job.updated}, unchanged {job.unchanged}, "
            f"rejected rows {job.rejected}; {job.invalid} imported orders wait for correction (invalid)"
        )
        for r in job.rejected_rows[:20]:
            self.stdout.write(f"  {r['file']} row {r['row']} [{r['column']}]: {r['reason']}")
        if job.rejected > 20:
            self.stdout.write(f"  ... {job.rejected - 20} more in the report (console: Orders > Import)")
