"""Backup and restore: one .tar.gz holding a consistent database snapshot, the uploaded files and a
manifest (version, vendor, migrations, row counts, a content hash of the data, sha256 of every member).

- SQLite: the online backup API copies the live database in one step (a consistent read snapshot
  while writers keep writing; WAL lets them).
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot; row counts and the content hash
  are computed inside it and `pg_dump -Fc --snapshot=...` dumps exactly that state.

Restore verifies everything (gzip CRC, checksums, member list, vendor, migrations known to this code,
and for SQLite the snapshot's own content hash) before it touches the current data, then replaces
the database in one step (SQLite backup API into the live file; on PostgreSQL one psql transaction)
and checks that the restored content hash equals the manifest's.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from oms.core.files import make_private_dir, open_private

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "oms-backup-"
SUFFIX = ".tar.gz"
# gzip header as written by write_archive (mtime 0, no file name): checked so that no byte of an
# archive can change unnoticed (the CRC covers the data, this covers the header).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
CHUNK = 1024 * 1024

Progress = Callable[[int, str], None]


class BackupError(Exception):
    """A backup that cannot be taken or an archive that must not be restored; the message says why."""


def _noop(percent: int, step: str) -> None:
    pass


def backup_dir() -> Path:
    from oms.system import params

    configured = str(params.get("backup.directory") or "").strip()
    path = Path(configured).expanduser() if configured else Path(settings.DATA_DIR) / "backups"
    return make_private_dir(path)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# Fingerprint: row counts and a content hash, computed the same way on SQLite and PostgreSQL --------


def _canonical(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fingerprint(cursor: Any, vendor: str) -> dict[str, Any]:
    """Row count per table and one sha256 over every row of every table, in a fixed order."""
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    tables = sorted(row[0] for row in cursor.fetchall())
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT * FROM {_quote(table)} LIMIT 0")  # noqa: S608 - names from the catalogue
        width = len(cursor.description)
        order = ", ".join(str(i) for i in range(1, width + 1))
        cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")  # noqa: S608
        digest.update(f"\x1etable:{table}\n".encode())
        n = 0
        while rows := cursor.fetchmany(2000):
            for row in rows:
                digest.update(("\x1f".join(_canonical(v) for v in row) + "\n").encode())
            n += len(rows)
        counts[table] = n
    return {"tables": counts, "rows": sum(counts.values()), "content_hash": digest.hexdigest()}


def _migrations(cursor: Any) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    try:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    except Exception:  # noqa: BLE001 - an empty database has no migration table
        return applied
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


# Database access outside Django's connection (snapshots need their own) ----------------------------


def _settings_dict() -> dict[str, Any]:
    return connections["default"].settings_dict


def vendor() -> str:
    return connections["default"].vendor


def _pg_env_and_target(conf: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    args = ["-d", str(conf["NAME"])]
    if conf.get("HOST"):
        args += ["-h", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["-p", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["-U", str(conf["USER"])]
    return env, args


def _pg_connect(conf: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        dbname=conf["NAME"],
        user=conf.get("USER") or None,
        password=conf.get("PASSWORD") or None,
        host=conf.get("HOST") or None,
        port=conf.get("PORT") or None,
        autocommit=True,
    )


def _run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603 - fixed programs
    if proc.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")


# Taking a backup ------------------------------------------------------------------------------------


def _snapshot_sqlite(dest: Path) -> dict[str, Any]:
    source_path = str(_settings_dict()["NAME"])
    if not Path(source_path).exists():
        raise BackupError(_("The database file %(path)s does not exist.") % {"path": source_path})
    src = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(str(dest))
    try:
        # pages=-1: the whole copy in one step under one read snapshot, so concurrent writers
        # cannot force it to restart and the copy is consistent.
        src.backup(dst, pages=-1)
    finally:
        src.close()
    try:
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        cur = dst.cursor()
        info = fingerprint(cur, "sqlite")
        info["migrations"] = _migrations(cur)
    finally:
        dst.close()
    return info


def _snapshot_postgres(dest: Path) -> dict[str, Any]:
    conf = _settings_dict()
    env, target = _pg_env_and_target(conf)
    conn = _pg_connect(conf)
    try:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot = row[0] if row else ""
        _run(["pg_dump", "-Fc", f"--snapshot={snapshot}", "-f", str(dest), *target], env)
        cur = conn.cursor()
        info = fingerprint(cur, "postgresql")
        info["migrations"] = _migrations(cur)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return info


def _media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path, "media/" + path.relative_to(root).as_posix()


def write_archive(archive: Path, members: list[tuple[Path, str]], manifest: dict[str, Any]) -> None:
    """manifest.json first (so a listing reads only the start), then the members; gzip with mtime 0."""
    data = json.dumps(manifest, indent=2, sort_keys=True).encode()
    with (
        open_private(archive) as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), 0, 0o600
        import io

        tar.addfile(info, io.BytesIO(data))
        for path, name in members:
            tar.add(str(path), arcname=name, recursive=False)


def create_backup(output: Path | None = None, progress: Progress = _noop) -> tuple[Path, dict[str, Any]]:
    """Take a backup now; returns (archive path, manifest). Prunes old archives in the backup dir."""
    from oms import __version__

    db_vendor = vendor()
    if db_vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL only."))
    stamp = datetime.now(UTC)
    name = f"{PREFIX}{stamp:%Y%m%d-%H%M%S}-{os.urandom(3).hex()}{SUFFIX}"
    if output is None:
        archive = backup_dir() / name
    else:
        output = Path(output).expanduser()
        archive = output / name if output.is_dir() else output
    make_private_dir(archive.parent)
    with tempfile.TemporaryDirectory(prefix=".oms-backup-", dir=archive.parent) as tmp:
        work = Path(tmp)
        progress(5, _("Copying the database"))
        if db_vendor == "sqlite":
            db_member = "database.sqlite3"
            info = _snapshot_sqlite(work / db_member)
        else:
            db_member = "database.pgdump"
            info = _snapshot_postgres(work / db_member)
        progress(60, _("Collecting uploaded files"))
        members: list[tuple[Path, str]] = [(work / db_member, db_member), *_media_files()]
        checksums = {arc: sha256_file(path) for path, arc in members}
        manifest = {
            "format": FORMAT,
            "oms_version": __version__,
            "created_at": stamp.isoformat(),
            "vendor": db_vendor,
            "database": db_member,
            "migrations": info["migrations"],
            "tables": info["tables"],
            "rows": info["rows"],
            "content_hash": info["content_hash"],
            "members": checksums,
            "media_files": len(members) - 1,
        }
        progress(75, _("Writing the archive"))
        partial = work / (archive.name + ".part")
        write_archive(partial, members, manifest)
        os.replace(partial, archive)
    progress(95, _("Removing old backups"))
    if archive.parent.resolve() == backup_dir().resolve():
        prune()
    progress(100, _("Done"))
    return archive, manifest


def list_archives(directory: Path | None = None) -> list[Path]:
    directory = directory or backup_dir()
    found = [p for p in directory.glob(f"{PREFIX}*{SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def prune(keep: int | None = None) -> list[Path]:
    from oms.system import params

    keep = int(params.get("backup.keep")) if keep is None else keep
    removed = []
    for path in list_archives()[max(keep, 0) :]:
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest alone (first member), for listings. Does not verify the archive."""
    try:
        with tarfile.open(str(archive), mode="r|gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST:
                raise BackupError(_("The archive has no manifest."))
            fh = tar.extractfile(first)
            return json.loads(fh.read()) if fh else {}
    except (OSError, tarfile.TarError, EOFError, zlib.error, ValueError) as exc:
        raise BackupError(_("The archive cannot be read: %(error)s") % {"error": exc}) from exc


def describe(archive: Path) -> dict[str, Any]:
    stat = archive.stat()
    entry: dict[str, Any] = {
        "name": archive.name,
        "path": archive,
        "size": stat.st_size,
        "modified": datetime.fromtimestamp(stat.st_mtime, tz=UTC),
    }
    try:
        manifest = read_manifest(archive)
        entry.update(
            rows=manifest.get("rows"),
            tables=len(manifest.get("tables", {})),
            vendor=manifest.get("vendor"),
            version=manifest.get("oms_version"),
            media_files=manifest.get("media_files"),
            ok=True,
        )
    except BackupError as exc:
        entry.update(ok=False, error=str(exc))
    return entry


# Verifying and restoring ----------------------------------------------------------------------------


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations)


@contextmanager
def verified(archive: Path, progress: Progress = _noop) -> Iterator[tuple[dict[str, Any], Path]]:
    """Check the archive completely and unpack it into a temporary directory; yield (manifest, dir).

    Raises BackupError with a clear message before anything of the current data is touched.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("No such archive: %(path)s") % {"path": archive})
    with open(archive, "rb") as fh:
        if fh.read(len(GZIP_HEADER)) != GZIP_HEADER:
            raise BackupError(_("This is not an OMS backup archive, or its header is damaged."))
    workdir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix=".oms-restore-", dir=workdir) as tmp:
        work = Path(tmp)
        progress(5, _("Checking the archive"))
        plain = work / "archive.tar"
        try:
            # Reading the gzip stream to its end verifies its CRC and length: a flipped byte or a
            # truncated file fails here.
            with gzip.open(archive, "rb") as src, open(plain, "wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
        except (OSError, EOFError, zlib.error) as exc:
            raise BackupError(
                _("The archive is damaged or incomplete (%(error)s). Nothing was changed.") % {"error": exc}
            ) from exc
        unpacked = work / "content"
        unpacked.mkdir()
        try:
            with tarfile.open(plain, mode="r:") as tar:
                names = tar.getnames()
                if not names or names[0] != MANIFEST:
                    raise BackupError(_("The archive has no manifest. Nothing was changed."))
                tar.extractall(unpacked, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(
                _("The archive cannot be unpacked (%(error)s). Nothing was changed.") % {"error": exc}
            ) from exc
        plain.unlink()
        try:
            manifest = json.loads((unpacked / MANIFEST).read_text())
        except ValueError as exc:
            raise BackupError(_("The manifest is not valid. Nothing was changed.")) from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(
                _("Unknown backup format %(format)s. Nothing was changed.") % {"format": manifest.get("format")}
            )
        members: dict[str, str] = manifest.get("members", {})
        present = {n for n in names if n != MANIFEST and (unpacked / n).is_file()}
        if present != set(members):
            raise BackupError(_("The archive's files do not match its manifest. Nothing was changed."))
        progress(20, _("Verifying checksums"))
        for name, expected in members.items():
            if sha256_file(unpacked / name) != expected:
                raise BackupError(
                    _("Checksum mismatch for %(name)s: the archive is damaged. Nothing was changed.") % {"name": name}
                )
        current = vendor()
        if manifest.get("vendor") != current:
            raise BackupError(
                _(
                    "This backup was taken from a %(archive)s database, but this installation uses %(current)s. "
                    "Restore it on an installation with the same database. Nothing was changed."
                )
                % {"archive": manifest.get("vendor"), "current": current}
            )
        known = _known_migrations()
        unknown = sorted(
            f"{app}.{name}"
            for app, names_ in manifest.get("migrations", {}).items()
            for name in names_
            if (app, name) not in known
        )
        if unknown:
            raise BackupError(
                _(
                    "This backup was taken by a newer or different version of OMS: migrations %(list)s are "
                    "unknown here. Upgrade OMS first. Nothing was changed."
                )
                % {"list": ", ".join(unknown[:10])}
            )
        if current == "sqlite":
            progress(35, _("Checking the database snapshot"))
            snap = sqlite3.connect(str(unpacked / manifest["database"]))
            try:
                check = snap.execute("PRAGMA integrity_check").fetchone()
                info = fingerprint(snap.cursor(), "sqlite")
            finally:
                snap.close()
            if not check or check[0] != "ok" or info["content_hash"] != manifest.get("content_hash"):
                raise BackupError(_("The database snapshot does not match its manifest. Nothing was changed."))
        yield manifest, unpacked


def live_fingerprint() -> dict[str, Any]:
    """Fingerprint of the configured database through a plain driver connection (Django's own
    converts values, e.g. SQLite text to datetimes, which would change the hash)."""
    conf = _settings_dict()
    if vendor() == "sqlite":
        conn = sqlite3.connect(str(conf["NAME"]), timeout=30)
        try:
            return fingerprint(conn.cursor(), "sqlite")
        finally:
            conn.close()
    pg = _pg_connect(conf)
    try:
        return fingerprint(pg.cursor(), "postgresql")
    finally:
        pg.close()


def _restore_sqlite(snapshot: Path) -> None:
    live = Path(str(_settings_dict()["NAME"]))
    live.parent.mkdir(parents=True, exist_ok=True)
    connections.close_all()
    src = sqlite3.connect(str(snapshot))
    dst = sqlite3.connect(str(live), timeout=60)
    try:
        # The backup API replaces the live database's content in one write transaction: other
        # processes see the old content or the new one, never a mix.
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        src.close()
        dst.close()


# Drops every table, view and sequence of the current schema, in the same transaction as the restore.
_PG_EMPTY_SCHEMA = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(r.tablename) || ' CASCADE';
  END LOOP;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP SEQUENCE IF EXISTS ' || quote_ident(r.sequencename) || ' CASCADE';
  END LOOP;
END $$;
"""


def _restore_postgres(dump: Path) -> None:
    conf = _settings_dict()
    env, target = _pg_env_and_target(conf)
    script = dump.with_suffix(".sql")
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "-f", str(script), str(dump)])
    pre = dump.with_suffix(".pre.sql")
    pre.write_text(_PG_EMPTY_SCHEMA)
    connections.close_all()
    # One transaction: the schema is emptied and refilled together, or nothing changes.
    _run(
        [
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-f",
            str(pre),
            "-f",
            str(script),
            *target,
        ],
        env,
    )


def _swap_media(source: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".media-new-", dir=root.parent))
    if source.exists():
        shutil.copytree(source, fresh, dirs_exist_ok=True)
    old = root.parent / f".media-old-{os.urandom(3).hex()}"
    if root.exists():
        os.replace(root, old)
    os.replace(fresh, root)
    shutil.rmtree(old, ignore_errors=True)


def restore_backup(archive: Path, progress: Progress = _noop) -> dict[str, Any]:
    """Verify, then replace the database and uploaded files with the archive's; returns the manifest
    with "verified": the restored content hash equals the manifest's."""
    with verified(archive, progress) as (manifest, unpacked):
        progress(50, _("Restoring the database"))
        if manifest["vendor"] == "sqlite":
            _restore_sqlite(unpacked / manifest["database"])
        else:
            _restore_postgres(unpacked / manifest["database"])
        progress(80, _("Restoring uploaded files"))
        _swap_media(unpacked / "media")
    progress(90, _("Checking the restored data"))
    from oms.system import params

    params.invalidate()
    after = live_fingerprint()
    if after["content_hash"] != manifest["content_hash"]:
        raise BackupError(_("The restored data does not match the backup's content hash."))
    progress(100, _("Done"))
    return manifest | {"verified": True}
