"""oms backup [--output PATH]: a consistent backup archive of the database and uploaded files."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oms.core.actor import Actor
from oms.system import backup, oplog


class Command(BaseCommand):
    help = "Back up the database and uploaded files into one archive (safe while OMS runs)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", help="archive file or directory (default: backup.directory or DATA_DIR/backups)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options.get("output") else None
        try:
            archive, manifest = backup.create_backup(output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        oplog.record(
            actor=Actor.system(f"cli:{getpass.getuser()}"),
            action="backup.create",
            target=archive.name,
            details={"rows": manifest["rows"], "size": archive.stat().st_size, "path": str(archive)},
        )
        self.stdout.write(
            f"{archive}\n{manifest['rows']} rows in {len(manifest['tables'])} tables, "
            f"{manifest['media_files']} uploaded files, {archive.stat().st_size} bytes"
        )
