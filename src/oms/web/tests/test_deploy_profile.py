"""The deployment behind TLS (OMS_HTTPS=1): `oms check --deploy` is clean, and the settings it
relies on are on; without the flag, a plain-HTTP install keeps working cookies."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k, None) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'SECURE_SSL_REDIRECT', 'CSRF_TRUSTED_ORIGINS')}))"
)


def _env(tmp_path: Path, https: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMS_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="oms.config.settings",
        OMS_DATA_DIR=str(tmp_path),
        OMS_SECRET_KEY=secrets.token_urlsafe(60),
        OMS_ALLOWED_HOSTS="oms.example.com",
        OMS_CSRF_TRUSTED_ORIGINS="https://oms.example.com",
    )
    if https:
        env["OMS_HTTPS"] = "1"
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)


def test_check_deploy_is_clean_behind_tls(tmp_path: Path) -> None:
    proc = _run(["-m", "oms.cli", "check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path, True))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout + proc.stderr


def test_the_tls_profile_turns_on_secure_cookies_hsts_and_the_proxy_header(tmp_path: Path) -> None:
    on = json.loads(_run(["-c", PRINT_SETTINGS], _env(tmp_path, True)).stdout)
    assert on["SESSION_COOKIE_SECURE"] and on["CSRF_COOKIE_SECURE"] and on["SECURE_SSL_REDIRECT"]
    assert on["SECURE_HSTS_SECONDS"] >= 31536000
    assert on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert on["CSRF_TRUSTED_ORIGINS"] == ["https://oms.example.com"]
    off = json.loads(_run(["-c", PRINT_SETTINGS], _env(tmp_path, False)).stdout)
    assert not off["SESSION_COOKIE_SECURE"] and not off["SECURE_HSTS_SECONDS"]


def test_without_tls_the_deploy_check_names_what_is_missing(tmp_path: Path) -> None:
    proc = _run(["-m", "oms.cli", "check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path, False))
    assert proc.returncode != 0 and "SESSION_COOKIE_SECURE" in proc.stdout + proc.stderr


@pytest.mark.django_db
def test_every_response_carries_the_content_security_policy(client: Any) -> None:
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    script_src = policy.split("script-src")[1].split(";")[0]
    assert "'self'" in script_src and "unsafe" not in script_src
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
