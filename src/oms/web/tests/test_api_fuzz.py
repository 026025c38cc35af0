"""Schemathesis against our OpenAPI schema: every operation, a fixed number of generated cases
each, sent to the real Django app (in-process WSGI) as an administrator with demo data loaded.
Checks: never a server error; status code, content type and body as the schema documents them;
input outside the schema (negative cases) is refused in the project's error format.

Bounded so that it stays a CI test (MAX_EXAMPLES per operation, derandomized: the same cases on
every run, so a failure is reproducible and a pass is not luck).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

MAX_EXAMPLES = 12  # schema-valid cases per operation
NEGATIVE_EXAMPLES = 8  # cases that break the schema (out-of-range numbers, wrong types) per operation
# Refusals every endpoint may answer in the project's error format, documented or not.
ERROR_STATUSES = {400, 401, 403, 404, 405, 409, 413, 415, 429}


def _schema_and_token() -> tuple[Any, str]:
    import schemathesis
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.test import Client

    from oms.accounts import actions
    from oms.core.actor import Actor

    call_command("demo", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    _token, key = actions.issue_token(actor=Actor.system("fuzz"), user=admin, name="fuzz")
    client = Client()
    client.force_login(admin)
    raw = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema, key


@contextmanager
def kept_connection() -> Iterator[None]:
    """Django closes the database connection at the start and end of every request it serves
    through WSGI; inside a test transaction that would close the test's database under it. The
    test client disconnects these handlers in the same way while it serves a request (and connects
    them again afterwards, so this wraps the requests, not the test)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _check(case: Any, response: Any, documented: set[str], checks: list[Any], headers: dict[str, str]) -> None:
    from schemathesis.checks import not_a_server_error

    if str(response.status_code) in documented or "default" in documented:
        case.validate_response(response, checks=checks, headers=headers)
        return
    # A refusal the schema does not list yet: it must still be a client error in the project's
    # error format (oms.core.api), never a server error or a bare page.
    case.validate_response(response, checks=[not_a_server_error], headers=headers)
    assert response.status_code in ERROR_STATUSES, (case.as_curl_command(), response.status_code)
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"]), body


def _run(operation: Any, mode: Any, examples: int, checks: list[Any], headers: dict[str, str]) -> None:
    documented = {str(code) for code in operation.definition.raw.get("responses", {})}

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report, do not spend minutes minimising
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        # input outside the schema (negative) may still be accepted (an ignored header): then it
        # must answer as documented like any other; otherwise as a refusal
        _check(case, response, documented, checks, headers)

    with kept_connection():
        run()


@pytest.mark.django_db
def test_every_api_operation_answers_within_its_schema() -> None:
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema, key = _schema_and_token()
    headers = {"Authorization": f"Token {key}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10  # the whole API, not an empty schema
    failures: list[str] = []
    for operation in operations:
        for mode, examples in ((GenerationMode.POSITIVE, MAX_EXAMPLES), (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)):
            try:
                _run(operation, mode, examples, checks, headers)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every operation's failures
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
