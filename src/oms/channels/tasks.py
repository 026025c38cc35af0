"""Background work of the intake edge: thin Huey wrappers around inbox, pull and import."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup


@db_task()
def process_delivery_task(delivery_id: int) -> str:
    from oms.channels import inbox

    return inbox.process(delivery_id)


@db_periodic_task(crontab(minute="*"))
def sweep_deliveries() -> int:
    from oms.channels import inbox

    return inbox.sweep()


@db_task()
def pull_channel_task(channel_id: int) -> None:
    from oms.channels import pull
    from oms.channels.models import Channel

    pull.pull_channel(Channel.objects.get(pk=channel_id))


@db_periodic_task(crontab(minute="*"))
def pull_due_channels() -> int:
    from oms.channels import pull

    return pull.pull_due()


@db_task()
def run_import_task(job_id: int) -> None:
    from oms.channels import importer

    importer.run(job_id)


@db_periodic_task(crontab(minute="*"))
def resume_imports() -> int:
    """Imports a stopped worker left running are picked up again where their last batch ended."""
    from oms.channels import importer

    return importer.resume_stalled()


@db_task()
def resume_imports_now() -> int:
    from oms.channels import importer

    return importer.resume_stalled()


@on_startup()
def resume_imports_after_start() -> None:
    """A worker that comes back after a crash: the job it was running still looks alive until its
    lease runs out, so look again right after that (the every-minute sweep is the fallback)."""
    from oms.channels import importer

    resume_imports_now.schedule(delay=importer.STALE.total_seconds() + 2)
