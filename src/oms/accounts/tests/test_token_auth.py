"""API tokens: `Bearer <key>` as well as `Token <key>`; the last use written at most once a minute."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from oms.accounts.actions import issue_token
from oms.accounts.models import ApiToken
from oms.core.actor import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(make_user: Any) -> str:
    _token, key = issue_token(actor=Actor.system("test"), user=make_user("viewer"))
    return key


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "bearer"])
def test_token_and_bearer_are_accepted(key: str, keyword: str) -> None:
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"{keyword} {key}")
    assert response.status_code == 200 and response.json()["auth"] == "token"


def test_a_wrong_bearer_key_is_401() -> None:
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer not-a-key")
    assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"


def _token_writes(queries: Any) -> int:
    return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("UPDATE") and "apitoken" in q["sql"].lower())


def test_last_use_is_written_at_most_once_a_minute(key: str) -> None:
    client = APIClient()
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    used = ApiToken.objects.get().last_used_at
    with CaptureQueriesContext(connection) as second:
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert _token_writes(first.captured_queries) == 1 and _token_writes(second.captured_queries) == 0
    assert used is not None and ApiToken.objects.get().last_used_at == used
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(seconds=61))
    with CaptureQueriesContext(connection) as later:
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert _token_writes(later.captured_queries) == 1
    last = ApiToken.objects.get().last_used_at
    assert last is not None and timezone.now() - last < timedelta(seconds=5)
