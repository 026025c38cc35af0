"""Worker liveness: a heartbeat row written when the consumer starts and every minute after."""

import os
import socket

from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from oms.core.models import WorkerHeartbeat


def beat() -> None:
    name = f"{socket.gethostname()}:{os.getpid()}"
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now(), "pid": os.getpid()})


@HUEY.on_startup()
def _on_startup() -> None:
    close_old_connections()
    beat()


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    beat()


@db_task()
def ping(token: str) -> dict:
    """Round trip through the queue: `oms shell -c "from oms.core.tasks import ping; print(ping('x').get(True))"`."""
    beat()
    return {"token": token, "pid": os.getpid(), "host": socket.gethostname()}


@db_task(retries=5, retry_delay=30)
def retry_hook(path: str, args: list) -> None:
    """A hook listener that failed after its transaction committed, called again (oms.core.hooks)."""
    import_string(path)(*args)
