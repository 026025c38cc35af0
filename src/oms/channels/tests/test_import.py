"""Bulk import end to end: Taobao pair, JD, generic files; idempotent re-runs; the rejected-rows
report; and an `oms import` killed mid-file then run again."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from oms.channels import importer, tasks
from oms.channels.models import DeliveryStatus, ImportJob, ImportStatus, InboundDelivery, Platform
from oms.orders.models import Order

from .conftest import SAMPLES


def run_import(channel: Any, paths: list[Path], fmt: str = "") -> Any:
    job, _resumed = importer.create_job(channel=channel, paths=paths, fmt=fmt)
    return importer.run(job.pk)


def test_taobao_pair_then_again_changes_nothing(make_channel: Any) -> None:
    channel = make_channel("tmall-flagship", Platform.TAOBAO)
    files = [SAMPLES / "taobao_orders_gbk.csv", SAMPLES / "taobao_items_gbk.csv"]
    job = run_import(channel, files, "taobao")
    assert job.status == ImportStatus.DONE, job.error
    assert (job.imported, job.updated, job.unchanged, job.rejected) == (3, 0, 0, 0)
    assert job.total_rows == 3 and job.percent == 100
    order = Order.objects.get(external_id="3368812345678901234")
    assert order.customer_phone.endswith("5678") and order.district == "西湖区"
    assert [ln.sku for ln in order.lines.order_by("line_no")] == ["SKU-0005", "SKU-0006"]
    assert Order.objects.get(external_id="3368812345678909999").status == "cancelled"
    delivery = InboundDelivery.objects.get(pk=job.delivery_id)
    assert delivery.kind == "file" and delivery.status == DeliveryStatus.PROCESSED and delivery.file.name
    events = order.events.count()

    again = run_import(channel, list(reversed(files)), "taobao")
    assert (again.imported, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert Order.objects.count() == 3 and order.events.count() == events
    assert again.delivery_id == job.delivery_id  # the same files are stored once


def test_jd_export(make_channel: Any) -> None:
    channel = make_channel("jd-store", Platform.JD)
    job = run_import(channel, [SAMPLES / "jd_orders_utf8bom.csv"], "jd")
    assert job.status == ImportStatus.DONE, job.error
    assert job.imported == 2 and job.total_rows == 3
    from oms.orders.counts import mark

    assert mark() == max(Order.objects.values_list("pk", flat=True))  # the new orders are in the list's counts
    cod = Order.objects.get(external_id="305598765432")
    assert cod.order_type == "cod" and str(cod.total_amount) == "207.00"
    assert Order.objects.get(external_id="305512345678").lines.count() == 2


def test_newer_export_versions_import_like_the_classic_ones(make_channel: Any) -> None:
    """千牛's GBK pair and JD's jdm .xlsx go through the same import as the classic files."""
    tmall = make_channel("tmall-qianniu", Platform.TAOBAO)
    files = [SAMPLES / "taobao_qianniu_items_gbk.csv", SAMPLES / "taobao_qianniu_orders_gbk.csv"]
    job = run_import(tmall, files, "taobao")
    assert job.status == ImportStatus.DONE, job.error
    assert (job.imported, job.rejected) == (3, 0)
    order = Order.objects.get(channel=tmall, external_id="3368812345678901234")
    assert [ln.sku for ln in order.lines.order_by("line_no")] == ["SKU-0005", "SKU-0006"]
    assert order.district == "西湖区" and order.transaction_id == "2026111122001188441234567890"
    assert Order.objects.get(channel=tmall, external_id="3368812345678909999").status == "cancelled"

    jd = make_channel("jd-jdm", Platform.JD)
    job = run_import(jd, [SAMPLES / "jd_jdm_orders.xlsx"], "jd")
    assert job.status == ImportStatus.DONE, job.error
    assert (job.imported, job.total_rows) == (2, 3)
    assert Order.objects.get(channel=jd, external_id="305512345678").lines.count() == 2


BAD = """订单号,收货人,手机,收货地址,货号,商品名称,数量,单价,实付金额
G-1,张伟,13800138000,浙江省 杭州市 西湖区 文三路 1号,P-1001,杯子,2,59.00,118
G-2,李雷,13900139000,广东省 深圳市 南山区 科苑路 15号,P-1002,盘子,1,abc,70
G-3,韩梅梅,13700137000,江苏省 南京市 玄武区 中山路 1号,NO-SUCH-SKU,神秘商品,1,10,10
G-4,,12,火星,P-1001,杯子,1,59,59
"""


def test_bad_rows_are_reported_good_rows_go_in(make_channel: Any, tmp_path: Path) -> None:
    channel = make_channel("file-shop", Platform.FILE)
    path = tmp_path / "mixed.csv"
    path.write_bytes(BAD.encode("gbk"))
    job = run_import(channel, [path])
    assert job.status == ImportStatus.DONE, job.error
    # G-2 cannot be parsed: rejected with row, column and reason. G-3 and G-4 parse but fail the
    # checks: they are kept as invalid orders for correction.
    assert job.rejected == 1 and job.rejected_rows[0]["row"] == 3 and job.rejected_rows[0]["column"] == "单价"
    assert set(Order.objects.values_list("external_id", flat=True)) == {"G-1", "G-3", "G-4"}
    assert Order.objects.get(external_id="G-3").status == "invalid"
    assert Order.objects.get(external_id="G-4").status == "invalid"
    assert Order.objects.get(external_id="G-1").problems == [], Order.objects.get(external_id="G-1").problems
    assert job.invalid == 2 and job.imported == 3

    wb = load_workbook(io.BytesIO(importer.rejected_report(job)), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("File", "Row", "Column", "Reason") and rows[1][1:3] == (3, "单价") and "abc" in rows[1][3]


def test_missing_required_columns_fail_the_job_with_their_names(make_channel: Any, tmp_path: Path) -> None:
    channel = make_channel("file-shop", Platform.FILE)
    path = tmp_path / "x.csv"
    path.write_text("订单号,收货人\n1,张三\n", encoding="utf-8")
    job = run_import(channel, [path])
    assert job.status == ImportStatus.FAILED
    assert "sku" in job.error and "quantity" in job.error and "unit_price" in job.error
    assert InboundDelivery.objects.get(pk=job.delivery_id).status == DeliveryStatus.FAILED


def test_column_mapping_saved_on_the_channel_is_used(make_channel: Any, tmp_path: Path) -> None:
    from oms.channels import actions
    from oms.core.actor import Actor

    channel = make_channel("file-shop", Platform.FILE)
    actions.set_column_mapping(
        actor=Actor.system("t"),
        channel=channel,
        mapping={"order_id": "Ref", "sku": "Code", "quantity": "Qty", "unit_price": "Each", "customer_name": "Who"},
    )
    path = tmp_path / "m.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Ref", "Who", "Code", "Qty", "Each"])
    wb.active.append(["M-1", "张伟", "P-1001", 1, 59])
    wb.save(path)
    job = run_import(channel, [path])
    assert job.status == ImportStatus.DONE and job.imported == 1
    assert Order.objects.get().customer_name == "张伟"


def test_templates_have_the_canonical_columns() -> None:
    header = next(csv.reader(io.StringIO(importer.template_csv().decode("utf-8-sig"))))
    assert header[:2] == ["order_id", "order_number"] and "sku" in header and "unit_price" in header
    wb = load_workbook(io.BytesIO(importer.template_xlsx()), read_only=True)
    assert list(next(wb.worksheets[0].iter_rows(values_only=True))) == header


def test_resume_continues_after_the_last_saved_batch(make_channel: Any, tmp_path: Path) -> None:
    from oms.system import params

    params.set_value("channels.import_batch_size", 10)
    channel = make_channel("file-shop", Platform.FILE)
    path = tmp_path / "many.csv"
    rows = ["order_id,customer_name,phone,address,sku,quantity,unit_price,paid"]
    rows += [f"R-{i},张伟,13800138000,浙江省 杭州市 西湖区 文三路 {i}号,P-1001,1,59,59" for i in range(35)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    job, _r = importer.create_job(channel=channel, paths=[path], fmt="csv")

    class Stop(BaseException):  # like a kill: nothing in the runner catches it
        pass

    def stop_after_two(j: Any) -> None:
        if j.processed_orders >= 20 and j.status == ImportStatus.RUNNING:
            raise Stop

    with pytest.raises(Stop):
        importer.Runner(job, stop_after_two).run()
    job.refresh_from_db()
    assert job.processed_orders == 20 and job.last_row == 21 and Order.objects.count() == 20
    same, resumed = importer.create_job(channel=channel, paths=[path], fmt="csv")
    assert resumed and same.pk == job.pk
    # A runner saved a batch moments ago: a second one does not step in (no double counting)...
    assert importer.run(job.pk).status == ImportStatus.RUNNING and Order.objects.count() == 20
    assert tasks.resume_imports.call_local() == 0
    ImportJob.objects.filter(pk=job.pk).update(progress_at=timezone.now() - importer.STALE + timedelta(seconds=5))
    assert tasks.resume_imports.call_local() == 0  # still inside its lease
    # ...until it has been silent for the lease; then the periodic task resumes the job.
    ImportJob.objects.filter(pk=job.pk).update(progress_at=timezone.now() - importer.STALE - timedelta(seconds=1))
    assert tasks.resume_imports.call_local() == 1  # Huey runs immediately in tests
    done = ImportJob.objects.get(pk=job.pk)
    assert done.status == ImportStatus.DONE and done.imported == 35 and done.unchanged == 0
    assert Order.objects.count() == 35


def _sqlite_count(db: Path, sql: str) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute(sql).fetchone()
            return int(row[0] or 0) if row else 0
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("beside", [False, True], ids=["in-process", "second-process"])
def test_oms_import_killed_mid_file_then_rerun_has_every_order_once(tmp_path: Path, beside: bool) -> None:
    """A real `oms import` process is SIGKILLed mid-file; the same command again finishes the job.
    Both ways of reading the file: in the importing process, and in a second process beside it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMS_DATABASE")}
    env.update(OMS_DATA_DIR=str(tmp_path / "data"), OMS_HUEY_IMMEDIATE="1")
    oms = [sys.executable, "-m", "oms.cli"]

    def run(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*oms, *args], env=env, capture_output=True, text=True, timeout=300, **kw)

    assert run("migrate", "-v", "0").returncode == 0
    assert run("channel", "add", "bulk", "--platform", "file").returncode == 0
    assert (
        run(
            "shell",
            "-c",
            "from oms.system import params; params.set_value('channels.import_batch_size', 50); "
            f"params.set_value('channels.import_parallel_min_rows', {1 if beside else 0})",
        ).returncode
        == 0
    )
    n = 1000
    path = tmp_path / "orders.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order_id", "customer_name", "phone", "address", "sku", "quantity", "unit_price"])
        for i in range(n):
            for line in range(1 + i % 3):
                w.writerow(
                    [f"K-{i:05d}", "王芳", "13800138000", f"浙江省 杭州市 西湖区 文三路 {i}号", f"X-{line}", 1, "9.90"]
                )
    db = tmp_path / "data" / "oms.sqlite3"
    proc = subprocess.Popen(
        [*oms, "import", str(path), "--channel", "bulk", "--no-progress"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if _sqlite_count(db, "SELECT processed_orders FROM channels_importjob") >= 100:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed; use a bigger file"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _sqlite_count(db, "SELECT COUNT(*) FROM orders_order")
    assert 0 < partial < n

    again = run("import", str(path), "--channel", "bulk", "--no-progress")
    assert again.returncode == 0, again.stderr
    assert "resuming import" in again.stdout
    assert _sqlite_count(db, "SELECT COUNT(*) FROM orders_order") == n
    assert _sqlite_count(db, "SELECT COUNT(DISTINCT external_id) FROM orders_order") == n
    assert _sqlite_count(db, "SELECT COUNT(*) FROM orders_orderline") == sum(1 + i % 3 for i in range(n))
    assert _sqlite_count(db, "SELECT COUNT(*) FROM channels_importjob") == 1

    third = run("import", str(path), "--channel", "bulk", "--no-progress")
    assert third.returncode == 0 and f"unchanged {n}" in third.stdout
    assert _sqlite_count(db, "SELECT COUNT(*) FROM orders_order") == n


def _snapshot(channel: Any) -> list[tuple[Any, ...]]:
    """What an import stored for a channel, without ids, numbers and times."""
    out = []
    for o in Order.objects.filter(channel=channel).prefetch_related("lines", "events").order_by("external_id"):
        lines = [(ln.line_no, ln.platform_sku, ln.sku, ln.quantity, ln.unit_price) for ln in o.lines.all()]
        events = [(e.type, e.status_to, e.payload.get("problems"), e.payload.get("classes")) for e in o.events.all()]
        out.append(
            (o.external_id, o.status, o.customer_phone, o.province, o.city, o.district, o.total_amount, o.classes)
            + (tuple(p["code"] for p in o.problems), o.source_hash, o.content_key, tuple(lines), tuple(events))
        )
    return out


def test_reading_in_a_second_process_stores_the_same_as_in_process(
    transactional_db: Any, tmp_path: Path, caplog: Any
) -> None:
    import logging

    from oms.channels import actions
    from oms.core.actor import Actor
    from oms.system import params

    path = tmp_path / "orders.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order_id", "customer_name", "phone", "address", "sku", "quantity", "unit_price", "total"])
        for i in range(120):
            phone = "13800138000" if i % 7 else "12345"  # some invalid phones
            total = "19.80" if i % 11 else "1.00"  # some totals that do not add up
            w.writerow([f"P-{i:04d}", "王芳", phone, f"浙江省 杭州市 西湖区 文三路 {i}号", "X-1", 2, "9.90", total])
        w.writerow(["", "", "", "", "", "", "", ""])
        w.writerow(["P-bad", "李雷", "13800138000", "上海市 浦东新区 世纪大道 1号", "X-1", "two", "9.90", ""])
    params.set_value("channels.import_batch_size", 25)
    results = {}
    for beside in (False, True):
        params.set_value("channels.import_parallel_min_rows", 1 if beside else 0)
        channel = actions.save_channel(actor=Actor.system("test"), code=f"c{int(beside)}", platform="file")
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="oms.channels.importer"):
            job = run_import(channel, [path], "csv")
        assert job.status == ImportStatus.DONE, job.error
        assert ("prepared in a second process" in caplog.text) is beside
        counts = (job.imported, job.invalid, job.rejected, job.processed_orders, job.last_row)
        results[beside] = (counts, [r["row"] for r in job.rejected_rows], _snapshot(channel))
    assert results[False][0] == (120, results[False][0][1], 1, 120, 123)
    assert results[False][0][1] > 0  # the invalid ones were kept, as invalid
    assert results[True] == results[False]


@pytest.fixture
def refuse_external_id(db: Any) -> Any:
    """A database trigger that refuses to store one order, as a broken row or a constraint would."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER test_refuse BEFORE INSERT ON orders_order WHEN NEW.external_id = 'R-BAD' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the database'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.external_id = 'R-BAD' THEN RAISE EXCEPTION 'refused by the database'; END IF; "
                "RETURN NEW; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER test_refuse BEFORE INSERT ON orders_order FOR EACH ROW EXECUTE FUNCTION test_refuse()"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER test_refuse")
        else:
            cursor.execute("DROP TRIGGER test_refuse ON orders_order")
            cursor.execute("DROP FUNCTION test_refuse()")


def test_an_order_the_database_refuses_is_reported_and_the_rest_of_its_batch_is_stored(
    make_channel: Any, tmp_path: Path, refuse_external_id: Any
) -> None:
    channel = make_channel("refusing", Platform.FILE)
    path = tmp_path / "orders.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order_id", "customer_name", "phone", "address", "sku", "quantity", "unit_price"])
        for ext in ("R-1", "R-2", "R-BAD", "R-3"):
            w.writerow([ext, "王芳", "13800138000", f"浙江省 杭州市 西湖区 文三路 {ext}号", "X-1", 1, "9.90"])
    job = run_import(channel, [path], "csv")
    assert job.status == ImportStatus.DONE, job.error
    assert (job.imported, job.rejected, job.processed_orders, job.last_row) == (3, 1, 4, 5)
    assert job.rejected_rows[0]["row"] == 4 and "refused by the database" in job.rejected_rows[0]["reason"]
    assert sorted(Order.objects.filter(channel=channel).values_list("external_id", flat=True)) == ["R-1", "R-2", "R-3"]


def test_stored_import_files_are_private(make_channel: Any, tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    upload = tmp_path / "orders.csv"
    upload.write_text("order_id\n1\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        job, _resumed = importer.create_job(
            channel=make_channel("file-shop", Platform.FILE),
            paths=[upload],
            fmt="csv",
        )
    finally:
        os.umask(old)
    stored = Path(settings.MEDIA_ROOT) / job.files[0]
    assert stored.stat().st_mode & 0o777 == 0o600
    assert stored.parent.stat().st_mode & 0o777 == 0o700


def test_a_crashed_import_resumes_within_a_minute_of_the_worker_coming_back() -> None:
    """The worker starts -> a sweep is scheduled just after the lease -> the job is taken over; the
    every-minute sweep covers a worker that was away longer."""
    from datetime import UTC, datetime

    from huey.contrib.djhuey import HUEY

    from oms.channels import tasks

    assert "resume_imports_after_start" in HUEY._startup
    assert importer.STALE + timedelta(seconds=2) < timedelta(minutes=1)
    assert importer.HEARTBEAT * 3 <= importer.STALE  # a live runner misses three beats before it looks dead
    every_minute = [tasks.resume_imports.task_class().validate_datetime(datetime(2026, 1, 1, 10, m)) for m in range(60)]
    assert all(every_minute)
    HUEY.storage.flush_schedule()
    started = timezone.now()
    tasks.resume_imports_after_start()
    (task,) = HUEY.scheduled()
    HUEY.storage.flush_schedule()
    assert task.name.endswith("resume_imports_now")
    eta = task.eta.replace(tzinfo=UTC) if task.eta.tzinfo is None else task.eta  # Huey keeps UTC
    assert importer.STALE <= eta - started < timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_long_running_import_from_being_taken_over(make_channel: Any) -> None:
    job = ImportJob.objects.create(
        channel=make_channel("beat-shop", Platform.FILE),
        format="csv",
        status=ImportStatus.RUNNING,
        progress_at=timezone.now() - importer.STALE + timedelta(seconds=1),
    )
    with importer.Heartbeat(job.pk, interval=timedelta(seconds=0.05)):
        time.sleep(1.5)  # the lease would have run out without the beats
        assert not importer.claim(job.pk)
    job.refresh_from_db()
    assert timezone.now() - job.progress_at < timedelta(seconds=1)
