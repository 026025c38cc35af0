"""Background work of the intake edge: thin Huey wrappers around inbox, pull and import.

The modules they wrap never import this one; whoever schedules work (the webhook view, the console,
the periodic tasks below) calls these tasks."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from oms.channels import importer, inbox, pull
from oms.channels.models import Channel


@db_task()
def process_delivery_task(delivery_id: int) -> str:
    return inbox.process(delivery_id)


@db_task()
def sweep_deliveries_task() -> int:
    return inbox.sweep()


@db_periodic_task(crontab(minute="*"))
def sweep_deliveries() -> int:
    """Every inbox.SWEEP_EVERY (Huey's schedule counts in minutes: the second half-minute is queued),
    so that a delivery whose worker died is picked up within LEASE + SWEEP_EVERY."""
    every = int(inbox.SWEEP_EVERY.total_seconds())
    for delay in range(every, 60, every):
        sweep_deliveries_task.schedule(delay=delay)
    return inbox.sweep()


@db_task()
def pull_channel_task(channel_id: int) -> None:
    pull.pull_channel(Channel.objects.get(pk=channel_id))


@db_periodic_task(crontab(minute="*"))
def pull_due_channels() -> int:
    return pull.pull_due()


@db_task()
def run_import_task(job_id: int) -> None:
    importer.run(job_id)


@db_periodic_task(crontab(minute="*"))
def resume_imports() -> int:
    """Imports a stopped worker left running are picked up again where their last batch ended."""
    return _resume_stalled()


def _resume_stalled() -> int:
    ids = importer.stalled_jobs()
    for pk in ids:
        run_import_task(pk)
    return len(ids)


@db_task()
def resume_imports_now() -> int:
    return _resume_stalled()


@on_startup()
def resume_imports_after_start() -> None:
    """A worker that comes back after a crash: the job it was running still looks alive until its
    lease runs out, so look again right after that (the every-minute sweep is the fallback)."""
    resume_imports_now.schedule(delay=importer.STALE.total_seconds() + 2)
