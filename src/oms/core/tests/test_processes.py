"""The real processes: `oms worker` (Huey on SQLite and on Redis), `oms serve` (gunicorn + worker, /healthz,
Ctrl-C), and the set-up steps of `make run` from an empty data dir. Each runs `oms` in subprocesses with its
own data dir; on the PostgreSQL pass they use a scratch PostgreSQL database instead of SQLite."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from oms.testing.processes import OMS, alive, children, free_port, oms_env, row_counts, run_oms, scratch_database

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str | None, dict[str, str]]]:
    data = tmp_path_factory.mktemp("deployment")
    with scratch_database() as url:
        env = oms_env(data, url)
        run_oms(["migrate", "--noinput", "-v", "0"], env)
        yield data, url, env


def sql(data: Path, url: str | None, query: str) -> list[tuple[Any, ...]]:
    if url is None:
        with sqlite3.connect(data / "oms.sqlite3") as conn:
            return list(conn.execute(query))
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(query)
        return list(cur.fetchall()) if cur.description else []


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen([*OMS, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def ping(env: dict[str, str], token: str) -> dict[str, Any]:
    """Enqueue core.tasks.ping from another process and wait for the worker's answer."""
    code = (
        "import json; from oms.core.tasks import ping; "
        f"print(json.dumps(ping({token!r}).get(blocking=True, timeout=60)))"
    )
    done = run_oms(["shell", "-c", code], env, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sqlite_huey_worker_runs_a_task_and_writes_its_heartbeat(deployment, tmp_path):
    data, url, env = deployment
    with process(["worker"], env, tmp_path / "worker.log") as worker:
        result = ping(env, "via-sqlite")
        assert result["token"] == "via-sqlite"
        assert result["pid"] == worker.pid, (tmp_path / "worker.log").read_text()
        beats = sql(data, url, f"SELECT name, last_seen FROM core_workerheartbeat WHERE pid = {worker.pid:d}")  # noqa: S608
        assert len(beats) == 1 and beats[0][0].endswith(f":{worker.pid}")
    assert (data / "huey.sqlite3").exists()


def test_redis_huey_worker_runs_a_task_and_writes_its_heartbeat(deployment, redis_url, tmp_path):
    import redis

    data, url, env = deployment
    queue_url = redis_url.rsplit("/", 1)[0] + "/11"  # a database of its own: other runs' queues stay apart
    redis.Redis.from_url(queue_url).flushdb()
    env = dict(env, OMS_REDIS_URL=queue_url)
    with process(["worker"], env, tmp_path / "worker.log") as worker:
        result = ping(env, "via-redis")
        assert result["token"] == "via-redis" and result["pid"] == worker.pid
        beats = sql(data, url, f"SELECT COUNT(*) FROM core_workerheartbeat WHERE pid = {worker.pid:d}")  # noqa: S608
        assert beats == [(1,)]
    assert not (data / "huey.sqlite3").exists() or "via-redis" not in (data / "huey.sqlite3").read_bytes().decode(
        errors="ignore"
    )


def test_serve_answers_healthz_with_database_and_worker_ok_and_stops_on_ctrl_c(deployment, tmp_path):
    data, url, env = deployment
    sql(data, url, "DELETE FROM core_workerheartbeat")  # only the worker started by `oms serve` counts
    port = free_port()
    log = tmp_path / "serve.log"
    with process(["serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "1"], env, log) as serve:
        body: dict[str, Any] = {}
        deadline = time.monotonic() + 120  # a bound on the wait, not a measured duration
        while time.monotonic() < deadline and serve.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                body = response.json()
                if response.status_code == 200:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        assert body.get("database") == "ok" and body.get("worker") == "ok" and body.get("status") == "ok", (
            body,
            log.read_text(errors="replace")[-3000:],
        )
        spawned = children(serve.pid)
        assert len(spawned) >= 3, spawned  # gunicorn master, its web worker, the Huey consumer
        static = httpx.get(f"http://127.0.0.1:{port}/static/oms/app.css", timeout=5)
        assert static.status_code == 200  # whitenoise serves the collected static files

        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=60) == 0
    left = [pid for pid in spawned if alive(pid)]
    assert not left, f"processes still running after Ctrl-C: {left}"


def test_make_run_set_up_from_an_empty_data_dir_twice_changes_nothing_the_second_time(tmp_path):
    data = tmp_path / "var"
    with scratch_database() as url:
        env = oms_env(data, url)
        run_oms(["migrate", "--noinput", "-v", "0"], env)
        first = run_oms(["demo"], env, timeout=600)
        password = (data / "demo_admin_password").read_text().strip()
        assert f"admin / {password}" in first.stdout
        counts = row_counts(data, url)
        assert counts["auth_user"] >= 1 and counts["auth_group"] >= 8

        run_oms(["migrate", "--noinput", "-v", "0"], env)
        second = run_oms(["demo"], env, timeout=600)
        assert f"admin / {password}" in second.stdout
        assert (data / "demo_admin_password").read_text().strip() == password
        again = row_counts(data, url)
        changed = {t: (counts.get(t), again.get(t)) for t in set(counts) | set(again) if counts.get(t) != again.get(t)}
        assert not changed, f"the second run changed row counts (table: first, second): {changed}"

        code = "from django.contrib.auth.models import User; u = User.objects.get(username='admin'); "
        check = run_oms(["shell", "-c", code + f"print(u.check_password({password!r}))"], env)
        assert check.stdout.strip().endswith("True")
