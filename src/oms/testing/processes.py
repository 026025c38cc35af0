"""Running the real `oms` command in subprocesses for tests: its own data dir, its own database."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

OMS = [sys.executable, "-m", "oms.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def scratch_database() -> Iterator[str | None]:
    """None (SQLite in the data dir) normally; on the PostgreSQL pass a fresh database, dropped afterwards."""
    base = os.environ.get("OMS_TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        yield None
        return
    import psycopg

    name = f"oms_proc_{uuid.uuid4().hex[:10]}"
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def oms_env(data_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a real deployment: not the test run's immediate Huey or test database."""
    env = dict(os.environ)
    for key in ("OMS_DATABASE_URL", "OMS_REDIS_URL", "OMS_TEST_DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(key, None)
    env.update(OMS_DATA_DIR=str(data_dir), OMS_HUEY_IMMEDIATE="0", OMS_LOG_LEVEL="WARNING", OMS_WORKERS="1")
    if database_url:
        env["OMS_DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run_oms(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*OMS, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"oms {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def row_counts(data_dir: Path, database_url: str | None) -> dict[str, int]:
    """Rows in every table of the deployment's database (read directly, not through Django)."""
    if database_url is None:
        with sqlite3.connect(data_dir / "oms.sqlite3") as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    import psycopg

    with psycopg.connect(database_url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        # Table names come from the catalog, not from input.
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]  # noqa: S608


def children(pid: int) -> list[int]:
    """Direct and indirect child processes (Linux /proc)."""
    found: list[int] = []
    try:
        direct = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in map(int, direct):
        found.append(child)
        found.extend(children(child))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
