"""oms restore ARCHIVE [--yes]: verify an archive, then replace the database and uploaded files."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oms.core.actor import Actor
from oms.system import backup, oplog


class Command(BaseCommand):
    help = "Restore a backup archive. It is verified completely first; a bad archive changes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--check", action="store_true", help="only verify the archive, restore nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            with backup.verified(archive) as (manifest, _unpacked):
                pass
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = (
            f"{archive.name}: taken {manifest['created_at']} by OMS {manifest['oms_version']}, "
            f"{manifest['rows']} rows, {manifest['media_files']} uploaded files"
        )
        if options["check"]:
            self.stdout.write(f"OK {summary}")
            return
        if not options["yes"]:
            self.stdout.write(summary)
            answer = input("This replaces ALL current data. Type the archive name to continue: ")
            if answer.strip() != archive.name:
                raise CommandError("Not confirmed; nothing was changed.")
        try:
            restored = backup.restore_backup(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        oplog.record(
            actor=Actor.system(f"cli:{getpass.getuser()}"),
            action="backup.restore",
            target=archive.name,
            details={"rows": restored["rows"], "content_hash": restored["content_hash"]},
        )
        self.stdout.write(f"Restored {summary}; content hash verified.")
        self.stdout.write("Run `oms migrate` if this version of OMS has newer migrations than the backup.")
