"""Channels REST API: channels (list, create, update, rotate secret, pull now), SKU mappings and imports
(upload, progress, rejected rows CSV); each with its 400, 403 and 404."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from oms.channels.adapters import shopify
from oms.channels.models import Channel, ImportJob, Platform, SkuMapping
from oms.orders.models import Order
from oms.system.models import OperationLog

from .conftest import SAMPLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(make_user: Any) -> Any:
    def make(role: str, user: Any = None) -> APIClient:
        client = APIClient()
        client.force_authenticate(user or make_user(role))
        return client

    return make


def test_channels_list_create_update(as_role: Any, make_channel: Any) -> None:
    make_channel("shop-one", Platform.SHOPIFY, secret="s1")
    admin = as_role("administrator")
    listing = admin.get("/api/v1/channels/", {"platform": "shopify"})
    assert listing.status_code == 200
    row = listing.json()["results"][0]
    assert row["code"] == "shop-one" and row["secret_state"] == "current" and row["token_state"] == "empty"
    assert row["webhook_url"].endswith("/webhooks/shopify/shop-one/") and "secret" not in row
    created = admin.post(
        "/api/v1/channels/",
        {"code": "woo-two", "name": "Woo", "platform": "woocommerce", "base_url": "https://woo.example", "secret": "x"},
        format="json",
    )
    assert created.status_code == 201, created.content[:300]
    assert created.json()["secret_state"] == "current" and Channel.objects.get(code="woo-two").secret == "x"
    pk = created.json()["id"]
    changed = admin.patch(f"/api/v1/channels/{pk}/", {"name": "Woo shop", "active": False}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "Woo shop" and changed.json()["active"] is False
    assert Channel.objects.get(pk=pk).secret == "x"  # not sent: kept
    assert OperationLog.objects.filter(action="channel.updated").exists()


def test_channel_errors(as_role: Any, make_channel: Any) -> None:
    make_channel("shop-one", Platform.SHOPIFY)
    admin = as_role("administrator")
    taken = admin.post("/api/v1/channels/", {"code": "shop-one", "name": "x", "platform": "jd"}, format="json")
    assert taken.status_code == 400 and taken.json()["error"]["code"] == "invalid"
    bad = admin.post("/api/v1/channels/", {"code": "a b", "name": "x", "platform": "mars"}, format="json")
    assert bad.status_code == 400 and {"code", "platform"} <= set(bad.json()["error"]["fields"])
    assert admin.get("/api/v1/channels/", {"platform": "mars"}).status_code == 400
    assert admin.get("/api/v1/channels/999999/").status_code == 404
    clerk = as_role("order_clerk")
    assert clerk.get("/api/v1/channels/").status_code == 200
    assert (
        clerk.post("/api/v1/channels/", {"code": "c", "name": "c", "platform": "jd"}, format="json").status_code == 403
    )
    assert as_role("warehouse").get("/api/v1/channels/").status_code == 403


def test_rotate_secret_returns_the_new_one_once(as_role: Any, make_channel: Any, client: Any) -> None:
    channel = make_channel("shop-one", Platform.SHOPIFY, secret="old")
    response = as_role("administrator").post(f"/api/v1/channels/{channel.pk}/rotate-secret/")
    assert response.status_code == 200
    new = response.json()["secret"]
    assert len(new) >= 32 and Channel.objects.get(pk=channel.pk).secret == new
    assert "secret" not in response.json()["channel"]
    body = b'{"id": 1}'
    old_signed = client.post(
        "/webhooks/shopify/shop-one/",
        body,
        content_type="application/json",
        HTTP_X_SHOPIFY_TOPIC="orders/create",
        HTTP_X_SHOPIFY_HMAC_SHA256=shopify.sign("old", body),
    )
    assert old_signed.status_code == 401
    assert as_role("order_clerk").post(f"/api/v1/channels/{channel.pk}/rotate-secret/").status_code == 403
    assert as_role("administrator").post("/api/v1/channels/999999/rotate-secret/").status_code == 404


def test_pull_now_queues_the_pull(as_role: Any, make_channel: Any, django_capture_on_commit_callbacks: Any) -> None:
    shop = make_channel("shop-one", Platform.SHOPIFY)
    jd = make_channel("jd-one", Platform.JD)
    admin = as_role("administrator")
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin.post(f"/api/v1/channels/{shop.pk}/pull/")
    assert response.status_code == 202 and response.json() == {"queued": True} and len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        refused = admin.post(f"/api/v1/channels/{jd.pk}/pull/")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_pull" and not callbacks
    assert as_role("viewer").post(f"/api/v1/channels/{shop.pk}/pull/").status_code == 403


def test_sku_mappings_crud(as_role: Any, make_channel: Any, products: Any) -> None:
    make_channel("shop-one", Platform.SHOPIFY)
    clerk = as_role("order_clerk")
    made = clerk.post(
        "/api/v1/sku-mappings/",
        {"channel": "shop-one", "platform_sku": "NEW-1", "sku": "SKU-0002", "quantity": 2},
        format="json",
    )
    assert made.status_code == 201, made.content[:300]
    assert made.json() | {"id": 0, "created_at": ""} == {
        "id": 0, "channel": "shop-one", "platform_sku": "NEW-1", "sku": "SKU-0002", "quantity": 2, "created_at": "",
    }  # fmt: skip
    pk = made.json()["id"]
    again = clerk.post("/api/v1/sku-mappings/", {"channel": "shop-one", "platform_sku": "NEW-1", "sku": "SKU-0001"})
    assert again.status_code == 409
    listed = clerk.get("/api/v1/sku-mappings/", {"channel": "shop-one", "platform_sku": "NEW-1"}).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    assert clerk.get("/api/v1/sku-mappings/", {"channel": "nope"}).status_code == 400
    patched = clerk.patch(f"/api/v1/sku-mappings/{pk}/", {"sku": "SKU-0003"}, format="json")
    assert patched.status_code == 200 and patched.json()["sku"] == "SKU-0003" and patched.json()["quantity"] == 2
    unknown = clerk.patch(f"/api/v1/sku-mappings/{pk}/", {"sku": "NO-SUCH"}, format="json")
    assert unknown.status_code == 400
    assert as_role("viewer").delete(f"/api/v1/sku-mappings/{pk}/").status_code == 403
    assert clerk.delete(f"/api/v1/sku-mappings/{pk}/").status_code == 204
    assert not SkuMapping.objects.filter(pk=pk).exists()
    assert clerk.get(f"/api/v1/sku-mappings/{pk}/").status_code == 404


def test_sku_mappings_of_a_channel_outside_the_scope(as_role: Any, make_channel: Any, make_user: Any) -> None:
    from oms.accounts.models import UserProfile

    mine, theirs = make_channel("shop-one", Platform.SHOPIFY), make_channel("jd-one", Platform.JD)
    user = make_user("order_clerk")
    UserProfile.objects.get(user=user).channels.add(mine)
    client = as_role("order_clerk", user)
    assert {r["channel"] for r in client.get("/api/v1/sku-mappings/").json()["results"]} == {"shop-one"}
    hidden = SkuMapping.objects.filter(channel=theirs).first()
    assert hidden is not None and client.get(f"/api/v1/sku-mappings/{hidden.pk}/").status_code == 404
    made = client.post("/api/v1/sku-mappings/", {"channel": "jd-one", "platform_sku": "Z", "sku": "SKU-0001"})
    assert made.status_code == 400 and "channel" in made.json()["error"]["fields"]


def test_import_upload_progress_and_rejected_csv(
    as_role: Any, make_channel: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_channel("tmall-flagship", Platform.TAOBAO)
    clerk = as_role("order_clerk")
    files = {
        "file": SimpleUploadedFile("ExportOrderList.csv", (SAMPLES / "taobao_orders_gbk.csv").read_bytes()),
        "file2": SimpleUploadedFile("ExportOrderDetailList.csv", (SAMPLES / "taobao_items_gbk.csv").read_bytes()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post("/api/v1/imports/", {"channel": "tmall-flagship", **files}, format="multipart")
    assert response.status_code == 202, response.content[:300]
    job_id = response.json()["job"]["id"]
    progress = clerk.get(f"/api/v1/imports/{job_id}/").json()
    assert progress["status"] == "done" and progress["percent"] == 100 and progress["imported"] == 3
    assert progress["format"] == "taobao" and Order.objects.count() == 3
    assert [j["id"] for j in clerk.get("/api/v1/imports/", {"status": "done"}).json()["results"]] == [job_id]
    assert clerk.get("/api/v1/imports/", {"status": "exploded"}).status_code == 400

    job = ImportJob.objects.get(pk=job_id)
    job.rejected, job.rejected_rows = 1, [{"file": "a.csv", "row": 3, "column": "数量", "reason": "not a number"}]
    job.save()
    assert clerk.get(f"/api/v1/imports/{job_id}/").json()["rejected_report"].endswith(f"/imports/{job_id}/rejected.csv")
    report = clerk.get(f"/api/v1/imports/{job_id}/rejected.csv")
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.getvalue().decode("utf-8-sig"))))
    assert rows == [["File", "Row", "Column", "Reason"], ["a.csv", "3", "数量", "not a number"]]


def test_import_errors(as_role: Any, make_channel: Any) -> None:
    make_channel("tmall-flagship", Platform.TAOBAO)
    clerk = as_role("order_clerk")
    one_file = {"file": SimpleUploadedFile("ExportOrderList.csv", b"a,b\n1,2\n")}
    refused = clerk.post("/api/v1/imports/", {"channel": "tmall-flagship", **one_file}, format="multipart")
    assert refused.status_code == 400 and "file" in refused.json()["error"]["fields"]
    missing = clerk.post("/api/v1/imports/", {"channel": "tmall-flagship"}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]
    assert as_role("viewer").post("/api/v1/imports/", {"channel": "x"}, format="multipart").status_code == 403
    assert clerk.get("/api/v1/imports/999999/").status_code == 404
    assert clerk.get("/api/v1/imports/999999/rejected.csv").status_code == 404
    assert not ImportJob.objects.exists()
