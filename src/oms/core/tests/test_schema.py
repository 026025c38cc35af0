"""The OpenAPI schema: token security (Token or Bearer), the error responses with the error body's
schema on every operation, status values as enums, the declared query parameters."""

from __future__ import annotations

from typing import Any

import pytest

from oms.orders.choices import OrderStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]


def test_token_security_scheme(schema: dict[str, Any]) -> None:
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert "Token <key>" in scheme["description"] and "Bearer <key>" in scheme["description"]
    orders = schema["paths"]["/api/v1/orders/"]["get"]
    assert {"tokenAuth": []} in orders["security"]


def test_every_operation_lists_the_error_responses(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]
    operations = _operations(schema)
    assert len(operations) > 40
    for path, method, op in operations:
        for code in ("400", "401", "403", "404", "409", "413"):
            body = op["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (path, method, code)


def test_status_values_are_enumerated(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert components["OrderStatusEnum"]["enum"] == list(OrderStatus.values)
    assert components["OrderList"]["properties"]["status"]["$ref"] == "#/components/schemas/OrderStatusEnum"
    assert components["OrderStateOut"]["properties"]["status"]["$ref"] == "#/components/schemas/OrderStatusEnum"
    assert "ImportStatusEnum" in components and "SecretStateEnum" in components
    status = next(p for p in schema["paths"]["/api/v1/orders/"]["get"]["parameters"] if p["name"] == "status")
    assert status["schema"]["items"]["enum"] == list(OrderStatus.values)


def test_orders_parameters_and_deprecated_names(schema: dict[str, Any]) -> None:
    names = {p["name"] for p in schema["paths"]["/api/v1/orders/"]["get"]["parameters"]}
    assert names >= {"channel", "channel_id", "phone", "external_id", "external_number", "updated_since", "page"}
    since = next(p for p in schema["paths"]["/api/v1/orders/"]["get"]["parameters"] if p["name"] == "updated_since")
    assert since["schema"]["format"] == "date-time"
    order_in = schema["components"]["schemas"]["OrderInRequest"]["properties"]
    assert order_in["address"].get("deprecated") is True and order_in["updated_at"]["deprecated"] is True
    assert "source_updated_at" in order_in and "address_detail" in order_in


def test_new_endpoints_are_documented(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    for path in (
        "/api/v1/channels/",
        "/api/v1/channels/{id}/rotate-secret/",
        "/api/v1/channels/{id}/pull/",
        "/api/v1/sku-mappings/",
        "/api/v1/review-rules/",
        "/api/v1/blacklist/",
        "/api/v1/imports/",
        "/api/v1/imports/{id}/rejected.csv",
        "/api/v1/orders/{id}/events/",
    ):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/v1/imports/"]["post"]["requestBody"]["content"]
