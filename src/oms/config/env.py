"""Deploy-time configuration read from the environment, with defaults that work on a new machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from oms.core.files import ensure_private_file


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    path = Path(os.environ.get("OMS_DATA_DIR", "./var")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """The OMS_SECRET_KEY, or one generated once and kept in the data dir."""
    if key := os.environ.get("OMS_SECRET_KEY"):
        return key
    path = directory / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    # Create atomically so two processes starting together agree on one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def database(directory: Path) -> dict[str, Any]:
    import dj_database_url

    url = os.environ.get("OMS_DATABASE_URL") or f"sqlite:///{directory / 'oms.sqlite3'}"
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if str(config["NAME"]) not in ("", ":memory:") and "mode=memory" not in str(config["NAME"]):
            ensure_private_file(Path(config["NAME"]))  # 0600, and so are its -wal and -shm
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=30000;"
                # Statement journals and sort B-trees in memory: with a trigger on a table (orders_order's
                # counts) every inserted row opens a statement journal, which as a temp file doubled
                # the cost of a bulk insert.
                "PRAGMA temp_store=MEMORY;"
            ),
        }
        # A file (not :memory:) so that threads and processes in tests share one database.
        config["TEST"] = {"NAME": str(directory / "test.sqlite3")}
    else:
        config.setdefault("OPTIONS", {})
        config["CONN_HEALTH_CHECKS"] = True
    return config
