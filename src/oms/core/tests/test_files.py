"""Files holding customers' data are created 0600 whatever the umask: the database with its -wal and
-shm, backups, stored import files."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from oms.core.files import ensure_private_file, make_private_dir, open_private


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the common default: new files world-readable
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_open_private_creates_and_tightens(tmp_path: Path, loose_umask: None) -> None:
    with open_private(tmp_path / "a.bin") as fh:
        fh.write(b"x")
    assert mode(tmp_path / "a.bin") == 0o600
    wide = tmp_path / "b.bin"
    wide.write_bytes(b"old")
    wide.chmod(0o644)
    with open_private(wide) as fh:
        fh.write(b"new")
    assert mode(wide) == 0o600 and wide.read_bytes() == b"new"
    assert mode(make_private_dir(tmp_path / "d" / "e")) == 0o700


def test_a_new_sqlite_database_and_its_wal_and_shm_are_private(tmp_path: Path, loose_umask: None) -> None:
    from oms.config.env import database

    saved = os.environ.pop("OMS_DATABASE_URL", None)  # the default: SQLite in the data dir
    try:
        path = Path(database(tmp_path)["NAME"])  # settings create the file before SQLite does
    finally:
        if saved is not None:
            os.environ["OMS_DATABASE_URL"] = saved
    assert path.exists() and mode(path) == 0o600
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    finally:
        conn.close()


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o644)
    ensure_private_file(path)
    assert mode(path) == 0o600
