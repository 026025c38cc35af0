"""Console actions that go back to `next` refuse another host ("//evil.example" passed before)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

EVIL = "//evil.example/steal"


@pytest.mark.parametrize(
    "url, data",
    [
        ("/orders/bulk/", {"action": "resubmit"}),  # no ids selected: goes straight back
        ("/orders/review/bulk/", {"action": "approve"}),
    ],
)
def test_actions_do_not_redirect_to_another_host(admin_client: Any, url: str, data: dict[str, str]) -> None:
    response = admin_client.post(url, {**data, "next": EVIL})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"] and response["Location"].startswith("/")


def test_a_local_next_is_followed(admin_client: Any) -> None:
    response = admin_client.post("/orders/bulk/", {"action": "resubmit", "next": "/orders/?status=invalid"})
    assert response["Location"] == "/orders/?status=invalid"
