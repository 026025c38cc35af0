"""Files that hold customers' data (the database, backups, uploaded imports) are readable by their
owner only: created 0600 like the secret key, whatever the process umask is."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

PRIVATE = 0o600
PRIVATE_DIR = 0o700


def open_private(path: str | os.PathLike[str], mode: str = "wb") -> IO[bytes]:
    """open(path, "wb") whose file is 0600, also when it existed before with wider rights."""
    assert mode in ("wb", "ab"), mode
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "ab" else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE)
    os.fchmod(fd, PRIVATE)
    return os.fdopen(fd, mode)


def ensure_private_file(path: Path) -> None:
    """Create `path` empty with 0600 if missing (SQLite takes an empty file as a new database, and
    gives its -wal and -shm files the database file's mode); tighten it if it exists wider."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(PRIVATE)
        except OSError:  # not ours to change (another user's file): leave it to the operator
            pass
    except OSError:  # the directory does not exist (yet) or is read-only: the database will say so
        pass
    else:
        os.close(fd)


def make_private_dir(path: Path) -> Path:
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return path
