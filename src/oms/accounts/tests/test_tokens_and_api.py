"""API tokens (console and CLI), /api/v1/me/, and the one error format of the API."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from oms.accounts.models import ApiToken
from oms.system.models import OperationLog

pytestmark = pytest.mark.django_db


def me(client, key):
    return client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_administrator_issues_a_token_shown_once_and_revokes_it(client, admin_client, admin_user, make_user):
    clerk = make_user("order_clerk", username="erp")
    response = admin_client.post("/accounts/tokens/", {"user": clerk.pk, "name": "ERP"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    token = ApiToken.objects.get(user=clerk)
    start = page.index('data-testid="new-token"')
    key = page[start:].split("<code", 1)[1].split(">", 1)[1].split("<", 1)[0].strip()
    assert key.startswith(token.prefix) and len(key) == 40
    assert token.key_hash != key and key not in str(ApiToken.objects.values_list())
    assert key not in admin_client.get("/accounts/tokens/").content.decode()  # only once
    assert key not in str(dict(admin_client.session.items()))  # never kept in the session

    body = me(client, key).json()
    assert body["username"] == "erp" and body["roles"] == ["order_clerk"] and body["auth"] == "token"
    assert body["modules"] == ["dashboard", "orders", "inventory", "monitoring"]
    token.refresh_from_db()
    assert token.last_used_at is not None

    assert admin_client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    response = me(client, key)
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "authentication_failed", "message": "Invalid or revoked token.", "fields": {}}
    }
    actions = list(OperationLog.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["accounts.token_issued", "accounts.token_revoked"]


def test_only_settings_users_manage_tokens(client, make_user):
    clerk = make_user("order_clerk")
    client.force_login(clerk)
    assert client.get("/accounts/tokens/").status_code == 403
    assert client.post("/accounts/tokens/", {"user": clerk.pk}).status_code == 403
    assert not ApiToken.objects.exists()


def test_cli_creates_lists_and_revokes_tokens(client, make_user):
    make_user("warehouse", username="scanner")
    out = StringIO()
    call_command("token", "create", "scanner", "--name", "handheld", stdout=out)
    key = out.getvalue().strip()
    assert me(client, key).json()["modules"] == ["dashboard", "inventory", "logistics", "monitoring"]
    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert key[:8] in listing.getvalue() and "handheld" in listing.getvalue()
    call_command("token", "revoke", key[:8], stdout=StringIO())
    assert me(client, key).status_code == 401
    assert OperationLog.objects.filter(action="accounts.token_revoked", actor_name="cli").exists()


def test_session_auth_and_anonymous_on_the_api(client, make_user):
    assert client.get("/api/v1/me/").json()["error"]["code"] == "not_authenticated"
    client.force_login(make_user("viewer", username="v"))
    body = client.get("/api/v1/me/").json()
    assert body["username"] == "v" and body["auth"] == "session"


def test_errors_have_one_format_for_404_405_csrf_and_500(client, make_user):
    body = client.get("/api/v1/no-such-thing/").json()
    assert body == {"error": {"code": "not_found", "message": "There is nothing at this address.", "fields": {}}}

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("viewer"))
    response = strict.post("/api/v1/me/", {})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]

    response = client.generic("PATCH", "/api/v1/me/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401

    from oms.web.views import server_error

    response = server_error(RequestFactory().get("/api/v1/orders/"))
    assert response.status_code == 500
    assert b'"code": "server_error"' in response.content


def test_console_error_pages_use_the_layout_and_translate(client, make_user):
    client.force_login(make_user("viewer"))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and 'data-testid="modules"' in html
    response = client.get("/m/settings/")
    assert response.status_code == 403 and "Your role does not allow this page" in response.content.decode()
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "找不到" in response.content.decode() or "没有" in response.content.decode()


def test_console_csrf_failure_page(make_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("viewer"))
    response = strict.post("/accounts/logout/")
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()


def test_openapi_schema_and_offline_docs(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/me/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200
