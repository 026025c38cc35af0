"""Amounts and quantities beyond their columns: a signed webhook through the real view stores the
order as invalid with a reason, within the columns, and every page that shows it still answers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from oms.channels.models import Platform
from oms.orders.choices import OrderStatus
from oms.orders.models import Order

from .conftest import payload
from .test_webhooks import SECRET, post_shopify

LARGEST = Decimal("999999999999.99")


@pytest.fixture
def shop(make_channel: Any) -> Any:
    return make_channel("shopify-intl", Platform.SHOPIFY, secret=SECRET)


def huge_order() -> dict[str, Any]:
    body = payload("shopify_order.json")
    line = body["line_items"][0]
    line.update(quantity=1_000_000, price="999999999999.99", fulfillable_quantity=1_000_000)
    line["price_set"]["shop_money"]["amount"] = "999999999999.99"
    body["line_items"] = [line]
    for key in ("total_line_items_price", "subtotal_price", "total_price", "current_total_price"):
        body[key] = "999999999999990000.00"
    return body


def test_signed_order_beyond_the_columns_is_invalid_with_a_reason(
    client: Any, admin_client: Any, shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = json.dumps(huge_order()).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_shopify(client, body)
    assert response.status_code == 200, response.content
    order = Order.objects.get(channel=shop)
    assert order.status == OrderStatus.INVALID
    codes = {p["code"] for p in order.problems}
    assert "amount_out_of_range" in codes and "line_amount_out_of_range" in codes
    # what is stored fits the columns (read back through the database, not the instance)
    stored = Order.objects.values_list("total_amount", "goods_amount", "paid_amount").get(pk=order.pk)
    assert all(abs(v) <= LARGEST for v in stored)
    line = order.lines.get()
    assert abs(line.line_total) <= LARGEST and line.quantity == 1_000_000
    # the reason names what was received, in words rendered when shown
    total = next(p for p in order.problems if p["code"] == "amount_out_of_range" and p["field"] == "total_amount")
    assert total["params"]["value"] == "999999999999990000.00"
    detail = admin_client.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "999999999999990000.00" in detail.content.decode()
    for url in ("/orders/", "/orders/?export=xlsx", "/api/v1/orders/", f"/api/v1/orders/{order.pk}/"):
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize("stem", ["o" * 300, "订单导出" * 75])
def test_an_upload_named_with_300_characters_is_imported_under_a_shortened_name(
    admin_client: Any, make_channel: Any, django_capture_on_commit_callbacks: Any, stem: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oms.channels.models import ImportJob

    from .conftest import SAMPLES

    channel = make_channel("jd-main", Platform.JD)
    upload = SimpleUploadedFile(f"{stem}.csv", (SAMPLES / "jd_orders_utf8bom.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/channels/imports/", {"channel": channel.pk, "format": "jd", "file": upload})
    assert response.status_code == 302, response.content[:500]
    job = ImportJob.objects.get()
    (name,) = job.file_names
    assert name.endswith(".csv") and name.startswith(stem[:20]) and len(name.encode()) <= 120
    assert job.status == "done" and job.imported > 0
    assert admin_client.get("/channels/imports/").status_code == 200
    assert admin_client.get(f"/channels/imports/{job.pk}/").status_code == 200


def test_a_mapping_file_with_a_long_name_is_read(admin_client: Any, make_channel: Any) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from oms.channels.models import SkuMapping

    channel = make_channel("tmall-flagship", Platform.TAOBAO)
    wb = Workbook()
    wb.active.append(["platform SKU", "our SKU", "units"])
    wb.active.append(["XL-1", "SKU-0003", 1])
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("映射" * 150 + ".xlsx", buf.getvalue())
    response = admin_client.post(f"/channels/{channel.pk}/mappings/import/", {"file": upload})
    assert response.status_code == 302
    assert SkuMapping.objects.filter(channel=channel, platform_sku="XL-1").exists()


def test_an_api_upload_named_with_300_characters_is_imported(
    make_user: Any, make_channel: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    from .conftest import SAMPLES

    make_channel("jd-main", Platform.JD)
    client = APIClient()
    client.force_authenticate(make_user("order_clerk"))
    upload = SimpleUploadedFile("订单" * 150 + ".csv", (SAMPLES / "jd_orders_utf8bom.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"channel": "jd-main", "file": upload}, format="multipart")
    assert response.status_code == 202, response.content[:300]
    job = client.get(f"/api/v1/imports/{response.json()['job']['id']}/").json()
    assert job["status"] == "done" and job["imported"] > 0


def test_an_error_of_a_csv_download_is_json_and_says_so(make_user: Any) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(make_user("order_clerk"))
    missing = client.get("/api/v1/imports/999999/rejected.csv", {"format": "csv"})
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/json")
    assert missing.json()["error"]["code"] == "not_found"
