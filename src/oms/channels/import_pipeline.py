"""Reading and preparing an import's orders, in this process or in a second one beside the writer.

A bulk import has two halves: reading the file and preparing each order (parsing cells, checks,
address and phone validation, classification) needs no write, while storing it does. For a large
file the first half runs in a child process (`python -m oms.channels.import_pipeline`), which
streams prepared chunks to the importer through a pipe; the importer writes chunk after chunk.
On a machine with two or more cores the two halves overlap. Both ways produce the same chunks, in
file order, so the result and the resume point are the same.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from oms.channels.tables import FileFormatError, Rejection


@dataclass
class Chunk:
    """A run of the file's orders, prepared: `items` pairs each order's first row number with its
    Prepared order, or with the text of the error that stopped its preparation."""

    items: list[tuple[int, Any]] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    last_row: int = 0
    rows_seen: int = 0


def prepared_chunks(job: Any, resume_row: int, batch_size: int) -> Iterator[Chunk]:
    """The job's orders after `resume_row`, prepared, `batch_size` orders (or rejections) a chunk.
    The last chunk may be empty; it carries the final row position."""
    # Imported here, not at the top: this module is the child process's __main__, loaded before
    # django.setup() (see _child_main), and these modules need the models.
    from oms.channels.import_files import parse_job
    from oms.core.actor import Actor
    from oms.orders import intake

    ctx = intake.Context(job.channel, Actor.channel(job.channel.code), "file", job.delivery_id)
    pending: list[Any] = []
    chunk = Chunk(last_row=resume_row)
    for parsed in parse_job(job):
        position = parsed.last_row
        if position and position <= resume_row:
            continue  # saved by an earlier run of this job
        chunk.rows_seen += len(parsed.rows)
        chunk.last_row = max(chunk.last_row, position)
        if parsed.incoming is None:
            chunk.rejected.extend(parsed.rejections)
        else:
            pending.append(parsed)
        if len(pending) >= batch_size or len(chunk.rejected) >= batch_size:
            chunk.items = _prepare(ctx, pending)
            yield chunk
            pending, chunk = [], Chunk(last_row=chunk.last_row)
    chunk.items = _prepare(ctx, pending)
    yield chunk


def _prepare(ctx: Any, parsed: list[Any]) -> list[tuple[int, Any]]:
    from oms.orders import intake  # needs the models: see prepared_chunks

    if not parsed:
        return []
    rows = [p.rows[0] for p in parsed]
    try:
        return list(zip(rows, intake.prepare_all(ctx, [p.incoming for p in parsed]), strict=True))
    except Exception:  # noqa: BLE001 - find the one order that cannot be prepared; keep the rest
        out: list[tuple[int, Any]] = []
        for row, p in zip(rows, parsed, strict=True):
            try:
                out.append((row, intake.prepare_all(ctx, [p.incoming])[0]))
            except Exception as exc:  # noqa: BLE001
                out.append((row, str(exc) or exc.__class__.__name__))
        return out


# --- the second process -----------------------------------------------------------------------


def can_run_beside() -> bool:
    """A child process sees only committed rows of a database file or server: not when the caller
    holds an open transaction (the job itself would be invisible), nor for an in-memory database."""
    name = str(connection.settings_dict.get("NAME") or "")
    return not connection.in_atomic_block and ":memory:" not in name and "mode=memory" not in name


def peak_memory_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own memory map, so, unlike
    getrusage, it does not include the parent's memory at the fork that started the process."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def chunks_from_child(
    job: Any, resume_row: int, batch_size: int, stats: dict[str, Any] | None = None
) -> Iterator[Chunk]:
    """`prepared_chunks` computed by a child process; raises RuntimeError if the child fails.
    `stats` receives the child's peak memory (reader_peak_mb) when it finishes."""
    env = dict(os.environ)
    env["OMS_PIPELINE_DB_NAME"] = str(connection.settings_dict["NAME"])
    command = [sys.executable, "-m", "oms.channels.import_pipeline", str(job.pk), str(resume_row), str(batch_size)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)  # noqa: S603 - our own module
    assert child.stdout is not None
    finished = False
    try:
        while True:
            try:
                kind, payload = pickle.load(child.stdout)  # noqa: S301 - our own child's output
            except EOFError:
                break
            if kind == "chunk":
                yield payload
            elif kind == "format_error":
                raise FileFormatError(payload)
            elif kind == "error":
                raise RuntimeError(payload)
            else:
                finished = True
                if stats is not None and payload:
                    stats.update(payload)
                break
    finally:
        child.stdout.close()
        if not finished:
            child.kill()
        child.wait()
    if not finished:
        raise RuntimeError(
            _("The process reading the file stopped (exit status %(code)s).") % {"code": child.returncode}
        )


def _child_main(argv: list[str]) -> int:
    """Entry of the child: prepare the job's chunks and write them, pickled, to stdout."""
    # The pipe is stdout; anything else that prints (a library, a warning) goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.config.settings")
    import django

    django.setup()
    from django.db import connections

    name = os.environ.get("OMS_PIPELINE_DB_NAME")
    if name:  # the importer's database, also when it is a test database
        connections["default"].settings_dict["NAME"] = name
    from oms.channels.models import ImportJob

    job_id, resume_row, batch_size = (int(a) for a in argv[:3])
    try:
        job = ImportJob.objects.select_related("channel").get(pk=job_id)
        for chunk in prepared_chunks(job, resume_row, batch_size):
            pickle.dump(("chunk", chunk), out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
    except BrokenPipeError:
        return 1  # the importer is gone
    except FileFormatError as exc:
        pickle.dump(("format_error", str(exc)), out)
        out.flush()
        return 1
    except Exception as exc:  # noqa: BLE001 - the importer reports it on the job
        pickle.dump(("error", str(exc) or exc.__class__.__name__), out)
        out.flush()
        return 1
    pickle.dump(("done", {"reader_peak_mb": peak_memory_mb()}), out)
    out.flush()
    return 0


if __name__ == "__main__":
    # Run from the module under its own name, so that pickled chunks name their class as the
    # importer knows it (not as __main__.Chunk).
    from oms.channels import import_pipeline

    sys.exit(import_pipeline._child_main(sys.argv[1:]))
