"""The `oms` command: a friendly front to Django's manage.py.

oms serve      production web server (gunicorn) and, on a single machine, the worker beside it
oms worker     the background worker (Huey consumer)
oms demo       demo data (idempotent)
oms createadmin, oms token create USERNAME, oms import ..., oms backup, oms restore ...
oms <any Django command>
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def _setup_env() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.config.settings")


def serve(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="oms serve", description="Run the web server and the worker.")
    parser.add_argument("--bind", default=os.environ.get("OMS_BIND", "127.0.0.1:8000"))
    parser.add_argument("--no-worker", action="store_true", help="do not start a worker beside the web server")
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get("OMS_WEB_WORKERS", "2")))
    args = parser.parse_args(argv)

    env = dict(os.environ, OMS_BIND=args.bind, OMS_WEB_WORKERS=str(args.web_workers))
    # Collect static files once so whitenoise serves them compressed (quick when nothing changed).
    subprocess.run([sys.executable, "-m", "oms.cli", "collectstatic", "--noinput", "-v", "0"], check=True, env=env)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:oms.config.gunicorn", "--bind", args.bind], env=env
        )
    ]
    if not args.no_worker:
        procs.append(subprocess.Popen([sys.executable, "-m", "oms.cli", "worker"], env=env))
    print(f"OMS is serving on http://{args.bind}/  (Ctrl-C stops it)", flush=True)

    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        for p in procs:
            if p.poll() is not None:
                print(f"process {p.pid} exited with {p.returncode}", flush=True)
                code = p.returncode or 1
                stopping = True
        time.sleep(0.5)
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
    return code


ALIASES = {"worker": ["run_huey"], "check-stock": ["check_stock"]}


def main(argv: list[str] | None = None) -> int:
    _setup_env()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "serve":
        return serve(argv[1:])
    if argv and argv[0] in ALIASES:
        argv = ALIASES[argv[0]] + argv[1:]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oms", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
