"""Worker tasks of the settings area: the hourly check for the scheduled backup, and the backups and
restores an administrator starts from the console (with progress written to BackupRun)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from oms.core.actor import Actor


def _progress(run_id: int) -> Any:
    from oms.system.models import BackupRun

    def report(percent: int, step: str) -> None:
        BackupRun.objects.filter(pk=run_id).update(progress=percent, step=str(step)[:200])

    return report


def run_backup_now(run_id: int | None = None, actor: Actor | None = None) -> Path | None:
    """Take a backup, record it (and its BackupRun when the console asked for it)."""
    from oms.system import backup, oplog
    from oms.system.models import BackupRun

    actor = actor or Actor.system("scheduler")
    if run_id:
        BackupRun.objects.filter(pk=run_id).update(status=BackupRun.Status.RUNNING)
    try:
        archive, manifest = backup.create_backup(progress=_progress(run_id) if run_id else lambda p, s: None)
    except Exception as exc:  # noqa: BLE001 - recorded for the operator, then the task ends
        error = f"{exc.__class__.__name__}: {exc}"
        oplog.record(actor=actor, action="backup.failed", details={"error": error})
        from oms.system.notify import send_event_email

        send_event_email(
            "backup_failed",
            _("OMS: backup failed"),
            _("The backup could not be taken:\n\n%(error)s") % {"error": error},
        )
        if run_id:
            BackupRun.objects.filter(pk=run_id).update(
                status=BackupRun.Status.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
            )
        return None
    oplog.record(
        actor=actor,
        action="backup.create",
        target=archive.name,
        details={"rows": manifest["rows"], "size": archive.stat().st_size},
    )
    if run_id:
        BackupRun.objects.filter(pk=run_id).update(
            status=BackupRun.Status.DONE, progress=100, archive=archive.name, finished_at=timezone.now()
        )
    return archive


def run_restore_now(run_id: int, archive_name: str, actor: Actor) -> bool:
    from oms.system import backup, oplog
    from oms.system.models import BackupRun

    BackupRun.objects.filter(pk=run_id).update(status=BackupRun.Status.RUNNING)
    path = backup.backup_dir() / Path(archive_name).name
    try:
        manifest = backup.restore_backup(path, progress=_progress(run_id))
    except Exception as exc:  # noqa: BLE001 - recorded for the operator
        # A refused archive left the data untouched, so the run row is still there to update.
        BackupRun.objects.update_or_create(
            pk=run_id,
            defaults={
                "kind": BackupRun.Kind.RESTORE,
                "status": BackupRun.Status.FAILED,
                "archive": archive_name,
                "message": str(exc)[:2000],
                "requested_by": actor.name,
                "finished_at": timezone.now(),
            },
        )
        oplog.record(actor=actor, action="backup.restore_refused", target=archive_name, details={"error": str(exc)})
        return False
    # The restored database does not know this run: write it (and the log entry) again.
    BackupRun.objects.update_or_create(
        pk=run_id,
        defaults={
            "kind": BackupRun.Kind.RESTORE,
            "status": BackupRun.Status.DONE,
            "progress": 100,
            "archive": archive_name,
            "requested_by": actor.name,
            "finished_at": timezone.now(),
        },
    )
    oplog.record(
        actor=actor,
        action="backup.restore",
        target=archive_name,
        details={"rows": manifest["rows"], "content_hash": manifest["content_hash"]},
    )
    return True


@db_task()
def backup_task(run_id: int, actor: dict[str, Any]) -> None:
    run_backup_now(run_id, Actor(**actor))


@db_task()
def restore_task(run_id: int, archive_name: str, actor: dict[str, Any]) -> None:
    run_restore_now(run_id, archive_name, Actor(**actor))


def backup_due(now: Any, schedule_hour: int) -> bool:
    """Pure: the scheduled backup runs in the hour equal to backup.schedule_hour (-1 = off)."""
    return schedule_hour >= 0 and timezone.localtime(now).hour == schedule_hour


@db_periodic_task(crontab(minute="0"))
def scheduled_backup() -> None:
    from oms.system import params

    if backup_due(timezone.now(), int(params.get("backup.schedule_hour"))):
        run_backup_now()
