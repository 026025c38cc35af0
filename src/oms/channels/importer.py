"""Bulk import of order files (2.2): parse, then hand canonical orders to intake in batches.

A job's progress is saved in the same transaction as each batch, so a job stopped at any point
(a crash, a kill, a restarted worker) continues after the last saved batch; and because intake
recognises an order it already holds, running the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.channels import import_pipeline as pipeline
from oms.channels import inbox
from oms.channels.adapters.generic import COLUMNS
from oms.channels.import_files import main_row_count
from oms.channels.models import (
    Channel,
    DeliveryKind,
    DeliveryStatus,
    ImportFormat,
    ImportJob,
    ImportStatus,
    InboundDelivery,
)
from oms.channels.tables import FileFormatError, Rejection
from oms.core import exports
from oms.core.actor import Actor
from oms.core.files import make_private_dir, open_private
from oms.core.uploads import safe_name
from oms.orders import counts, intake
from oms.system import params

log = logging.getLogger(__name__)

MAX_STORED_REJECTIONS = 10000
FORMATS = {c.value for c in ImportFormat}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def guess_format(names: list[str]) -> str:
    if len(names) == 2:
        return ImportFormat.TAOBAO
    suffix = Path(names[0]).suffix.lower().lstrip(".")
    return suffix if suffix in ("csv", "xlsx", "json") else ImportFormat.CSV


def create_job(
    *,
    channel: Channel,
    paths: list[Path],
    fmt: str = "",
    names: list[str] | None = None,
    user: Any = None,
) -> tuple[ImportJob, bool]:
    """Store the files in the inbox and make (or find, to resume) the job. Returns (job, resumed)."""
    names = [safe_name(n) for n in (names or [p.name for p in paths])]
    fmt = fmt or guess_format(names)
    if fmt not in FORMATS:
        raise FileFormatError(_("Unknown format “%(format)s”.") % {"format": fmt})
    if fmt == ImportFormat.TAOBAO and len(paths) != 2:
        raise FileFormatError(_("A Taobao import needs two files: the order report and the item report."))
    if fmt != ImportFormat.TAOBAO and len(paths) != 1:
        raise FileFormatError(_("This format takes one file."))
    sums = [sha256_file(p) for p in paths]
    fingerprint = hashlib.sha256(("|".join([fmt, *sorted(sums)])).encode()).hexdigest()
    unfinished = (
        ImportJob.objects.filter(channel=channel, fingerprint=fingerprint)
        .exclude(status__in=[ImportStatus.DONE, ImportStatus.FAILED])
        .order_by("pk")
        .first()
    )
    if unfinished:
        return unfinished, True
    folder = Path(settings.MEDIA_ROOT) / "imports" / fingerprint[:2] / fingerprint
    make_private_dir(folder)
    stored_paths = []
    for path, name, digest in zip(paths, names, sums, strict=True):
        target = folder / f"{digest[:12]}-{name}"
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".part")
            with open(path, "rb") as src, open_private(tmp) as dst:
                shutil.copyfileobj(src, dst)
            tmp.replace(target)
        stored_paths.append(str(target.relative_to(settings.MEDIA_ROOT)))
    stored = inbox.store(
        channel=channel,
        kind=DeliveryKind.FILE,
        key=f"file:{fingerprint}",
        topic=fmt,
        headers={"files": ", ".join(names)},
    )
    if stored.created:
        InboundDelivery.objects.filter(pk=stored.delivery.pk).update(file=stored_paths[0])
    job = ImportJob.objects.create(
        channel=channel,
        format=fmt,
        files=stored_paths,
        file_names=names,
        fingerprint=fingerprint,
        delivery=stored.delivery,
        created_by=user if getattr(user, "pk", None) else None,
    )
    return job, False


COUNTERS = {
    "created": "imported",
    "updated": "updated",
    "cancelled": "updated",
    "unchanged": "unchanged",
    "stale": "unchanged",
}


class Runner:
    """Runs one job in batches; `progress(job)` is called after every saved batch."""

    def __init__(self, job: ImportJob, progress: Callable[[ImportJob], None] | None = None) -> None:
        self.job = job
        self.progress = progress
        self.batch_size = int(params.get("channels.import_batch_size"))
        self.actor = Actor.channel(job.channel.code)
        self.resume_row = job.last_row
        self.ctx: Any = None  # the intake context of the writes, made when the run starts
        self.stats: dict[str, Any] = {}  # figures of the run, for the log (and the benchmark)

    def run(self) -> ImportJob:
        job = self.job
        now = timezone.now()
        job.status = ImportStatus.RUNNING
        job.started_at = job.started_at or now
        job.progress_at = now
        job.error = ""
        job.save(update_fields=["status", "started_at", "progress_at", "error"])
        try:
            with Heartbeat(job.pk):
                if not job.total_rows:
                    job.total_rows = main_row_count(job)
                    job.save(update_fields=["total_rows"])
                self._loop()
        except FileFormatError as exc:
            return self._fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - the job says what went wrong; the worker lives on
            log.exception("import %s failed", job.pk)
            return self._fail(_("The import stopped: %(error)s") % {"error": exc})
        job.status = ImportStatus.DONE
        job.finished_at = timezone.now()
        job.processed_rows = max(job.processed_rows, job.total_rows)
        job.save(update_fields=["status", "finished_at", "processed_rows"])
        if job.delivery_id:
            InboundDelivery.objects.filter(pk=job.delivery_id).update(
                status=DeliveryStatus.PROCESSED, processed_at=job.finished_at, outcome="imported", error=""
            )
        if self.progress:
            self.progress(job)
        return job

    def _fail(self, message: str) -> ImportJob:
        job = self.job
        job.status = ImportStatus.FAILED
        job.error = message
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        if job.delivery_id:
            InboundDelivery.objects.filter(pk=job.delivery_id).update(
                status=DeliveryStatus.FAILED, error=message[:2000]
            )
        if self.progress:
            self.progress(job)
        return job

    def _loop(self) -> None:
        job = self.job
        self.ctx = intake.Context(job.channel, self.actor, "file", job.delivery_id)
        threshold = int(params.get("channels.import_parallel_min_rows"))
        beside = threshold > 0 and job.total_rows - self.resume_row >= threshold and pipeline.can_run_beside()
        if beside:
            chunks = pipeline.chunks_from_child(job, self.resume_row, self.batch_size, self.stats)
        else:
            chunks = pipeline.prepared_chunks(job, self.resume_row, self.batch_size)
        with bulk_page_cache():
            self._write(chunks, beside)

    def _write(self, chunks: Iterator[Any], beside: bool) -> None:
        job = self.job
        waited = stored = 0.0
        cpu = time.process_time()
        clock = time.perf_counter()
        for n, chunk in enumerate(chunks, start=1):
            now = time.perf_counter()
            waited += now - clock
            self._flush(chunk)
            if n % FOLD_EVERY == 0:
                counts.fold()  # the list's counts read the orders after the mark: keep them few
            clock = time.perf_counter()
            stored += clock - now
        # Where the time went: reading and checking (waited for) against storing.
        counts.fold()
        self.stats.update(waited=waited, stored=stored, cpu=time.process_time() - cpu)
        log.info(
            "import %s: %s, waited %.1fs for prepared orders, stored for %.1fs; %.1fs CPU in this process%s",
            job.pk,
            "prepared in a second process" if beside else "prepared in this process",
            waited,
            stored,
            self.stats["cpu"],
            f"; reading process peak {self.stats['reader_peak_mb']:.0f} MB" if "reader_peak_mb" in self.stats else "",
            extra={"import_stats": dict(self.stats)},
        )

    def _store(self, items: list[tuple[int, Any]], *, one_by_one: bool) -> list[tuple[int, Any]]:
        """(first row, IngestResult or the error) per order of the chunk, in order.

        The whole chunk at once runs without savepoints (in SQLite a savepoint makes every page
        the batch touches be copied first, which doubled the cost of inserting orders); order by
        order, each in its own savepoint, keeps the orders that can be stored when one cannot."""
        out: list[tuple[int, Any]] = []
        ready = [p for _row, p in items if isinstance(p, intake.Prepared)]
        if one_by_one:
            results: list[Any] = []
            for p in ready:
                try:
                    with transaction.atomic():
                        results.append(intake.store_many(self.ctx, [p])[0])
                except Exception as exc:  # noqa: BLE001 - reported for this order; the rest go on
                    results.append(exc)
        else:
            results = intake.store_many(self.ctx, ready)
        stored = iter(results)
        for row, p in items:
            out.append((row, next(stored) if isinstance(p, intake.Prepared) else RuntimeError(p)))
        return out

    def _flush(self, chunk: Any) -> None:
        """Store a chunk and save the job's progress in the same transaction."""
        job = self.job
        if not chunk.items and not chunk.rejected and chunk.last_row == job.last_row:
            return
        saved = {name: getattr(job, name) for name in PROGRESS_FIELDS}
        try:
            with transaction.atomic():
                self._save_progress(chunk, self._store(chunk.items, one_by_one=False))
        except Exception:  # noqa: BLE001 - find the one order that breaks the batch; keep the rest
            log.warning("batch of import %s failed; retrying order by order", job.pk, exc_info=True)
            for name, value in saved.items():
                setattr(job, name, value)
            with transaction.atomic():
                self._save_progress(chunk, self._store(chunk.items, one_by_one=True))
        if self.progress:
            self.progress(job)

    def _save_progress(self, chunk: Any, pairs: list[tuple[int, Any]]) -> None:
        job = self.job
        rejected = list(chunk.rejected)
        for row, result in pairs:
            if isinstance(result, Exception):
                rejected.append(Rejection(row, "", _("Could not be stored: %(error)s") % {"error": result}))
                continue
            counter = COUNTERS.get(result.outcome, "unchanged")
            setattr(job, counter, getattr(job, counter) + 1)
            if getattr(result.order, "status", "") == "invalid" and result.outcome in ("created", "updated"):
                job.invalid += 1
        job.rejected += len(rejected)
        room = MAX_STORED_REJECTIONS - len(job.rejected_rows)
        if room > 0:
            job.rejected_rows = job.rejected_rows + [r.as_dict() for r in rejected[:room]]
        job.processed_orders += len(chunk.items)
        job.processed_rows += chunk.rows_seen
        job.last_row = chunk.last_row
        job.progress_at = timezone.now()
        job.save(update_fields=PROGRESS_FIELDS)


PROGRESS_FIELDS = [
    "progress_at",
    "imported",
    "updated",
    "unchanged",
    "invalid",
    "rejected",
    "rejected_rows",
    "processed_orders",
    "processed_rows",
    "last_row",
]


# SQLite's page cache while an import writes. Each order adds entries to a dozen indexes at
# scattered places; with the default 2 MB cache most of those index pages are read back from the
# file for every batch once the orders table outgrows it.
IMPORT_CACHE_KIB = 32 * 1024


@contextmanager
def bulk_page_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


# Chunks between two folds of the new orders into the order list's counts (orders.counts).
FOLD_EVERY = 100

# The lease of a running job: a runner shows it is alive by touching progress_at (after every batch,
# and every HEARTBEAT from a thread, so a long count or batch is not mistaken for a crash); a job
# without a sign of life for STALE is taken over by the next sweep. The sweep runs every minute and
# once more STALE after a worker starts, so an import a crash interrupted resumes within a minute
# of the worker coming back (was: 10 min lease, 5 min sweep).
STALE = timedelta(seconds=40)
HEARTBEAT = timedelta(seconds=10)


class Heartbeat:
    """Touches the job's progress_at every `interval` from a thread while the runner works."""

    def __init__(self, job_id: int, interval: timedelta = HEARTBEAT) -> None:
        self.job_id = job_id
        self.interval = interval.total_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"import-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        from django.db import connection

        try:
            while not self._stop.wait(self.interval):
                try:
                    ImportJob.objects.filter(pk=self.job_id, status=ImportStatus.RUNNING).update(
                        progress_at=timezone.now()
                    )
                except Exception:  # noqa: BLE001 - a busy database now and then: the next beat tries again
                    log.debug("heartbeat of import %s skipped", self.job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection


def claim(job_id: int, *, force: bool = False) -> bool:
    """Take the job unless another runner is alive on it (a sign of life within STALE).

    `force`: a person ran the same import again (the CLI after a crash): take it over at once."""
    qs = ImportJob.objects.filter(pk=job_id).exclude(status__in=[ImportStatus.DONE, ImportStatus.FAILED])
    if not force:
        stale = timezone.now() - STALE
        qs = qs.filter(Q(status=ImportStatus.QUEUED) | Q(progress_at__isnull=True) | Q(progress_at__lt=stale))
    return bool(qs.update(status=ImportStatus.RUNNING, progress_at=timezone.now()))


def run(job_id: int, progress: Callable[[ImportJob], None] | None = None, *, force: bool = False) -> ImportJob:
    """Run (or continue) a job; returns it as it stands if it is finished or another runner has it."""
    if not claim(job_id, force=force):
        return ImportJob.objects.select_related("channel").get(pk=job_id)
    job = ImportJob.objects.select_related("channel").get(pk=job_id)
    return Runner(job, progress).run()


def stalled_jobs() -> list[int]:
    """Jobs a stopped worker left queued or running (no sign of life for STALE); tasks.resume_imports
    runs them again."""
    cutoff = timezone.now() - STALE
    ids = list(
        ImportJob.objects.filter(
            Q(status=ImportStatus.QUEUED, created_at__lt=cutoff)
            | Q(status=ImportStatus.RUNNING, progress_at__lt=cutoff)
            | Q(status=ImportStatus.RUNNING, progress_at__isnull=True, created_at__lt=cutoff)
        ).values_list("pk", flat=True)[:20]
    )
    return ids


# --- reports and templates -------------------------------------------------------------------


def rejected_table(job: ImportJob) -> tuple[list[str], list[list[Any]]]:
    """The rejected rows report (headers, rows): file, row number, column, reason. Excel in the
    console, CSV from the API; both written by the export helper (the cells come from the upload)."""
    headers = [_("File"), _("Row"), _("Column"), _("Reason")]
    rows = [[r.get("file", ""), r.get("row", ""), r.get("column", ""), r.get("reason", "")] for r in job.rejected_rows]
    return headers, rows


def rejected_sheet(job: ImportJob) -> exports.Sheet:
    headers, rows = rejected_table(job)
    return exports.Sheet(headers, rows, _("Rejected rows"))


def rejected_report(job: ImportJob) -> bytes:
    """The rejected rows as an Excel workbook."""
    return exports.workbook_bytes([rejected_sheet(job)])


def template_rows() -> tuple[list[str], list[str]]:
    return [c.key for c in COLUMNS], [c.example for c in COLUMNS]


def template_csv() -> bytes:
    headers, example = template_rows()
    return exports.csv_bytes(headers, [example])


def template_sheets() -> list[exports.Sheet]:
    headers, example = template_rows()
    meaning = ([c.key, str(c.label), _("yes") if c.required else ""] for c in COLUMNS)
    return [
        exports.Sheet(headers, [example], "orders"),
        exports.Sheet([_("Column"), _("Meaning"), _("Required")], meaning, _("Columns")),
    ]


def template_xlsx() -> bytes:
    return exports.workbook_bytes(template_sheets())
