"""Backup and restore with real writes, real files, real subprocesses and real databases."""

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections

from oms.system import backup
from oms.system.models import BackupRun, OperationLog
from oms.system.tasks import backup_due

SECRET = os.environ.get("OMS_SECRET_KEY", "test-secret-key-not-for-production")


def _oms(args, data_dir, database_url=None, check=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMS_DATABASE_URL", "OMS_TEST_DATABASE_URL"))}
    env.update(OMS_DATA_DIR=str(data_dir), OMS_SECRET_KEY=SECRET, DJANGO_SETTINGS_MODULE="oms.config.settings")
    if database_url:
        env["OMS_DATABASE_URL"] = database_url
    proc = subprocess.run(
        [sys.executable, "-m", "oms.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"oms {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def _pg_url(base_url, name):
    return base_url.rsplit("/", 1)[0] + "/" + name


def _pg_admin(base_url):
    import psycopg

    return psycopg.connect(_pg_url(base_url, "postgres"), autocommit=True)


def _fresh_pg_db(base_url, name):
    with _pg_admin(base_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return _pg_url(base_url, name)


def _drop_pg_db(base_url, name):
    with _pg_admin(base_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_fingerprint(url):
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cur:
        return backup.fingerprint(cur, "postgresql")


def _sqlite_fingerprint(path):
    conn = sqlite3.connect(str(path))
    try:
        return backup.fingerprint(conn.cursor(), "sqlite")
    finally:
        conn.close()


def _flip_byte(path, position):
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))


def _seed_channel():
    from oms.channels.models import Channel

    return Channel.objects.get_or_create(code="bk-shop", defaults={"name": "Backup shop", "platform": "manual"})[0]


class Writer(threading.Thread):
    """Keeps inserting orders (each its own committed transaction) until stopped."""

    def __init__(self, channel_id):
        super().__init__(daemon=True)
        self.channel_id = channel_id
        self.stop = threading.Event()
        self.written = 0
        self.error = None

    def run(self):
        from oms.orders.models import Order

        try:
            while not self.stop.is_set():
                n = uuid.uuid4().hex[:12]
                Order.objects.create(number=f"BK{n}", channel_id=self.channel_id, external_id=n)
                self.written += 1
                self.stop.wait(0.002)  # steady writes, not a flood: keeps the test data small
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            connections.close_all()


def test_backup_due_is_a_pure_decision():
    tz = ZoneInfo(settings.TIME_ZONE)
    at_three = datetime(2026, 1, 5, 3, 0, tzinfo=tz)
    assert backup_due(at_three, 3)
    assert not backup_due(at_three, 4)
    assert not backup_due(at_three, -1)


@pytest.mark.django_db(transaction=True)
def test_backup_while_orders_are_written_then_restore_into_empty_data_dir(tmp_path, postgres_url_or_none):
    from oms.orders.models import Order

    channel = _seed_channel()
    media = Path(settings.MEDIA_ROOT) / "imports"
    media.mkdir(parents=True, exist_ok=True)
    (media / "orders.csv").write_text("order,qty\nA1,2\n", encoding="utf-8")

    writer = Writer(channel.pk)
    writer.start()
    while writer.written < 20 and writer.is_alive():
        threading.Event().wait(0.01)
    (tmp_path / "out").mkdir()
    archive, manifest = backup.create_backup(tmp_path / "out")
    at_backup_end = writer.written
    writer.stop.set()
    writer.join()
    assert writer.error is None
    total = Order.objects.count()
    in_backup = manifest["tables"]["orders_order"]
    assert 20 <= in_backup <= at_backup_end <= total  # a snapshot taken while writes went on
    assert manifest["members"]["media/imports/orders.csv"]
    assert manifest["migrations"]["system"]

    target = tmp_path / "fresh-data-dir"
    target.mkdir()
    if connection.vendor == "sqlite":
        _oms(["restore", "--yes", str(archive)], target)
        restored = _sqlite_fingerprint(target / "oms.sqlite3")
    else:
        name = f"{connection.settings_dict['NAME']}_restored"
        url = _fresh_pg_db(postgres_url_or_none, name)
        try:
            _oms(["restore", "--yes", str(archive)], target, url)
            restored = _pg_fingerprint(url)
        finally:
            _drop_pg_db(postgres_url_or_none, name)
    # The restore itself adds one operation-log row after verifying; compare without it.
    assert restored["tables"].pop("system_operationlog") == manifest["tables"]["system_operationlog"] + 1
    expected = dict(manifest["tables"])
    expected.pop("system_operationlog")
    assert restored["tables"] == expected
    assert (target / "media" / "imports" / "orders.csv").read_text(encoding="utf-8") == "order,qty\nA1,2\n"


@pytest.fixture
def postgres_url_or_none():
    if connection.vendor == "postgresql":
        from oms.testing import services

        return services.postgres_url()
    return None


@pytest.mark.django_db(transaction=True)
def test_restore_gives_identical_content_and_bad_archives_change_nothing(tmp_path):
    from oms.orders.models import Order

    channel = _seed_channel()
    Order.objects.create(number="KEEP1", channel=channel, external_id="k1")
    archive, manifest = backup.create_backup(tmp_path)
    Order.objects.create(number="AFTER", channel=channel, external_id="k2")
    before = backup.live_fingerprint()

    def refused(path, message):
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(path), yes=True)
        assert backup.live_fingerprint() == before

    damaged = tmp_path / "damaged.tar.gz"
    for position in (len(archive.read_bytes()) // 2, 5, len(archive.read_bytes()) - 3):
        shutil.copy(archive, damaged)
        _flip_byte(damaged, position)
        refused(damaged, "damaged|header|not an OMS")

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: len(archive.read_bytes()) * 2 // 3])
    refused(truncated, "damaged or incomplete")

    # An archive from a newer version (a migration unknown here) and one from another database.
    with backup.verified(archive) as (good, unpacked):
        members = [(unpacked / name, name) for name in good["members"]]
        newer = tmp_path / "newer.tar.gz"
        backup.write_archive(newer, members, good | {"migrations": good["migrations"] | {"orders": ["9999_future"]}})
        other = tmp_path / "other.tar.gz"
        backup.write_archive(other, members, good | {"vendor": "oracle"})
    refused(newer, "newer or different version")
    refused(other, "same database")

    call_command("restore", str(archive), yes=True)
    after = backup.live_fingerprint()
    after_tables = dict(after["tables"])
    assert after_tables.pop("system_operationlog") == manifest["tables"]["system_operationlog"] + 1
    expected = dict(manifest["tables"])
    expected.pop("system_operationlog")
    assert after_tables == expected
    assert set(Order.objects.values_list("number", flat=True)) == {"KEEP1"}
    log = OperationLog.objects.get(action="backup.restore")
    assert log.details["content_hash"] == manifest["content_hash"]


@pytest.mark.django_db
def test_prune_keeps_the_newest(tmp_path, settings):
    from oms.core.actor import Actor
    from oms.system import params
    from oms.system.actions import save_parameters

    save_parameters(values={"backup.directory": str(tmp_path), "backup.keep": "2"}, actor=Actor.system())
    params.invalidate()
    for stamp in ("20260101-000000-aaaaaa", "20260102-000000-aaaaaa", "20260103-000000-aaaaaa"):
        (tmp_path / f"{backup.PREFIX}{stamp}{backup.SUFFIX}").write_bytes(b"x")
    (tmp_path / "unrelated.txt").write_text("keep me")
    removed = backup.prune()
    assert [p.name for p in removed] == [f"{backup.PREFIX}20260101-000000-aaaaaa{backup.SUFFIX}"]
    assert (tmp_path / "unrelated.txt").exists()


@pytest.mark.django_db(transaction=True)
def test_console_backup_now_download_and_restore(client, make_user, tmp_path):
    from oms.core.actor import Actor
    from oms.system.actions import save_parameters

    admin = make_user("administrator", username="root1")
    client.force_login(admin)
    save_parameters(values={"backup.directory": str(tmp_path)}, actor=Actor.system())
    response = client.post("/system/backups/now/")  # Huey runs immediately in tests
    assert response.status_code == 302
    run = BackupRun.objects.get()
    assert run.status == BackupRun.Status.DONE and run.progress == 100, run.message
    assert (tmp_path / run.archive).is_file()
    page = client.get("/system/backups/").content.decode()
    assert f'data-archive="{run.archive}"' in page

    download = client.get(f"/system/backups/{run.archive}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == (tmp_path / run.archive).read_bytes()
    assert client.get("/system/backups/../../etc/passwd/download/").status_code == 404

    clerk = make_user("order_clerk")
    other = client_for(clerk)
    assert other.get(f"/system/backups/{run.archive}/download/").status_code == 403

    wrong = client.post(f"/system/backups/{run.archive}/restore/", {"confirm": "nope"})
    assert wrong.status_code == 200 and b"Type the archive name" in wrong.content
    assert not BackupRun.objects.filter(kind="restore").exists()
    done = client.post(f"/system/backups/{run.archive}/restore/", {"confirm": run.archive})
    assert done.status_code == 302
    restore_run = BackupRun.objects.get(kind="restore")
    assert restore_run.status == BackupRun.Status.DONE, restore_run.message
    assert OperationLog.objects.filter(action="backup.restore", target=run.archive).exists()
    assert not type(admin).objects.filter(username=clerk.username).exists()  # made after the backup


def client_for(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


@pytest.mark.postgres
def test_postgres_round_trip_with_concurrent_writes_and_corruption_refused(postgres_url, tmp_path):
    """A scratch PostgreSQL database of its own, also when the suite runs on SQLite. (On the PostgreSQL
    suite run, the test above covers ORM writes and restore into an empty PostgreSQL database.)"""
    import psycopg

    suffix = uuid.uuid4().hex[:6]
    src_name = f"h_system_bk_src_{suffix}"
    src = _fresh_pg_db(postgres_url, src_name)
    try:
        _oms(["migrate", "-v0"], tmp_path / "src", src)
        stop = threading.Event()
        written = {"n": 0}

        def write():
            # Rows of a table this area owns (its schema is stable).
            with psycopg.connect(src, autocommit=True) as conn:
                while not stop.is_set():
                    conn.execute(
                        "INSERT INTO system_operationlog (created_at, actor_kind, actor_name, action, target, details)"
                        " VALUES (now(), 'system', 'writer', 'test.write', %s, '{}')",
                        (uuid.uuid4().hex,),
                    )
                    written["n"] += 1
                    stop.wait(0.005)

        thread = threading.Thread(target=write, daemon=True)
        thread.start()
        while written["n"] < 10 and thread.is_alive():
            threading.Event().wait(0.01)
        archive = tmp_path / "pg.tar.gz"
        _oms(["backup", "--output", str(archive)], tmp_path / "src", src)
        while written["n"] < 10 + 20 and thread.is_alive():  # more rows after the snapshot
            threading.Event().wait(0.01)
        stop.set()
        thread.join()
        manifest = backup.read_manifest(archive)
        in_backup = manifest["tables"]["system_operationlog"]
        assert manifest["vendor"] == "postgresql" and 10 <= in_backup < written["n"]

        damaged = tmp_path / "damaged.tar.gz"
        shutil.copy(archive, damaged)
        _flip_byte(damaged, archive.stat().st_size // 2)
        before = _pg_fingerprint(src)
        proc = _oms(["restore", "--yes", str(damaged)], tmp_path / "src", src, check=False)
        assert proc.returncode != 0 and "Nothing was changed" in proc.stderr
        assert _pg_fingerprint(src) == before

        # Restoring over the live database (which has rows written after the backup) replaces it all.
        _oms(["restore", "--yes", str(archive)], tmp_path / "src", src)
        restored = _pg_fingerprint(src)
        assert restored["tables"].pop("system_operationlog") == in_backup + 1  # + the restore's own entry
        expected = dict(manifest["tables"])
        expected.pop("system_operationlog")
        assert restored["tables"] == expected
    finally:
        _drop_pg_db(postgres_url, src_name)


@pytest.mark.django_db(transaction=True)
def test_scheduled_task_backs_up_only_in_its_hour(tmp_path):
    from django.utils import timezone

    from oms.core.actor import Actor
    from oms.system.actions import save_parameters
    from oms.system.tasks import scheduled_backup

    hour = timezone.localtime().hour
    save_parameters(
        values={"backup.directory": str(tmp_path), "backup.schedule_hour": str((hour + 1) % 24)}, actor=Actor.system()
    )
    scheduled_backup.call_local()
    assert backup.list_archives(tmp_path) == []
    save_parameters(values={"backup.schedule_hour": str(hour)}, actor=Actor.system())
    scheduled_backup.call_local()
    assert len(backup.list_archives(tmp_path)) == 1
    entry = OperationLog.objects.get(action="backup.create")
    assert entry.actor_name == "scheduler"


@pytest.mark.django_db
def test_console_restore_of_a_damaged_archive_fails_cleanly(admin_client, tmp_path, django_capture_on_commit_callbacks):
    from oms.core.actor import Actor
    from oms.system.actions import save_parameters

    save_parameters(values={"backup.directory": str(tmp_path)}, actor=Actor.system())
    archive, _manifest = backup.create_backup()
    out = io.StringIO()
    call_command("restore", str(archive), check=True, stdout=out)
    assert out.getvalue().startswith("OK ")
    _flip_byte(archive, archive.stat().st_size // 2)
    before = OperationLog.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/system/backups/{archive.name}/restore/", {"confirm": archive.name})
    run = BackupRun.objects.get(kind="restore")
    assert run.status == BackupRun.Status.FAILED and "Nothing was changed" in run.message
    assert OperationLog.objects.filter(action="backup.restore_refused").count() == 1
    assert OperationLog.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_backup_archives_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        archive, _manifest = backup.create_backup(tmp_path / "new-dir" / "b.tar.gz")
    finally:
        os.umask(old)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert archive.parent.stat().st_mode & 0o777 == 0o700  # a directory it created
