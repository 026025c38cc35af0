"""Console pages of the intake edge: channels, mappings, imports with progress, deliveries."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from oms.channels.models import Channel, ImportJob, InboundDelivery, Platform, SkuMapping
from oms.orders.models import Order

from .conftest import SAMPLES


def test_admin_adds_a_channel_secret_is_write_only(admin_client: Any) -> None:
    response = admin_client.post(
        "/channels/add/",
        {
            "code": "shopify-intl",
            "name": "Intl",
            "platform": "shopify",
            "secret": "topsecret",
            "token": "shpat_x",
            "active": "on",
        },
    )
    assert response.status_code == 302
    channel = Channel.objects.get(code="shopify-intl")
    assert channel.secret == "topsecret" and channel.api_token == "shpat_x"
    page = admin_client.get(f"/channels/{channel.pk}/").content.decode()
    assert "topsecret" not in page and "shpat_x" not in page
    assert "/webhooks/shopify/shopify-intl/" in page
    # Saving without a new secret keeps the stored one.
    admin_client.post(
        f"/channels/{channel.pk}/",
        {"name": "Intl store", "shop": "", "base_url": "", "secret": "", "token": "", "active": "on"},
    )
    channel.refresh_from_db()
    assert channel.name == "Intl store" and channel.secret == "topsecret"
    listing = admin_client.get("/channels/?platform=shopify").content.decode()
    assert "shopify-intl" in listing
    assert "shopify-intl" not in admin_client.get("/channels/?platform=jd").content.decode()


def test_clerk_may_view_channels_but_not_change_them(client: Any, make_user: Any, make_channel: Any) -> None:
    channel = make_channel("jd-store", Platform.JD)
    client.force_login(make_user("order_clerk"))
    assert client.get(f"/channels/{channel.pk}/").status_code == 200
    assert client.post(f"/channels/{channel.pk}/", {"name": "x"}).status_code == 403
    assert client.get("/channels/add/").status_code == 403


def test_sku_mappings_add_edit_filter_delete_and_import(admin_client: Any, make_channel: Any, products: Any) -> None:
    channel = make_channel("tmall-flagship", Platform.TAOBAO)
    base = f"/channels/{channel.pk}/mappings/"
    assert admin_client.post(base, {"platform_sku": "NEW-1", "sku": "SKU-0001", "quantity": 2}).status_code == 302
    m = SkuMapping.objects.get(channel=channel, platform_sku="NEW-1")
    assert m.product.sku == "SKU-0001" and m.quantity == 2
    assert admin_client.post(base, {"platform_sku": "NEW-1", "sku": "SKU-0002", "quantity": 1}).status_code == 302
    m.refresh_from_db()
    assert m.product.sku == "SKU-0002"
    bad = admin_client.post(base, {"platform_sku": "NEW-2", "sku": "NO-SUCH", "quantity": 1})
    assert bad.status_code == 200 and "NO-SUCH" in bad.content.decode()
    assert "NEW-1" in admin_client.get(base + "?q=NEW").content.decode()
    assert "NEW-1" not in admin_client.get(base + "?q=TB-").content.decode()
    admin_client.post(base + "delete/", {"ids": [m.pk]})
    assert not SkuMapping.objects.filter(pk=m.pk).exists()

    wb = Workbook()
    wb.active.append(["platform SKU", "our SKU", "units"])
    wb.active.append(["XL-1", "SKU-0003", 1])
    wb.active.append(["XL-2", "NOPE", 1])
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("m.xlsx", buf.getvalue())
    response = admin_client.post(base + "import/", {"file": upload}, follow=True)
    assert SkuMapping.objects.filter(channel=channel, platform_sku="XL-1").exists()
    assert "Row 3" in response.content.decode()


def test_upload_runs_the_import_and_shows_the_summary(
    admin_client: Any, make_channel: Any, django_capture_on_commit_callbacks: Any
) -> None:
    channel = make_channel("tmall-flagship", Platform.TAOBAO)
    files = {
        "file": SimpleUploadedFile("ExportOrderList.csv", (SAMPLES / "taobao_orders_gbk.csv").read_bytes()),
        "file2": SimpleUploadedFile("ExportOrderDetailList.csv", (SAMPLES / "taobao_items_gbk.csv").read_bytes()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/channels/imports/", {"channel": channel.pk, "format": "", **files})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "done" and job.imported == 3 and job.format == "taobao"
    detail = admin_client.get(response["Location"]).content.decode()
    assert "100%" in detail and "hx-get" not in detail  # finished: polling stops
    progress = admin_client.get(f"/channels/imports/{job.pk}/progress/")
    assert progress.status_code == 200 and b"import-progress" in progress.content
    assert Order.objects.count() == 3
    listing = admin_client.get("/channels/imports/?status=done").content.decode()
    assert "ExportOrderList.csv" in listing


def test_running_import_polls_and_rejected_report_downloads(admin_client: Any, make_channel: Any) -> None:
    channel = make_channel("file-shop", Platform.FILE)
    job = ImportJob.objects.create(
        channel=channel,
        format="csv",
        files=[],
        fingerprint="x",
        status="running",
        total_rows=10,
        processed_rows=4,
        rejected=1,
        rejected_rows=[{"file": "a.csv", "row": 3, "column": "数量", "reason": "“two” is not a whole number."}],
    )
    page = admin_client.get(f"/channels/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "40%" in page
    job.status = "done"
    job.save()
    report = admin_client.get(f"/channels/imports/{job.pk}/rejected.xlsx")
    rows = list(load_workbook(io.BytesIO(report.getvalue()), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[1] == ("a.csv", 3, "数量", "“two” is not a whole number.")


def test_templates_download(admin_client: Any) -> None:
    assert admin_client.get("/channels/imports/template.csv").getvalue().startswith("\ufefforder_id".encode())
    xlsx = admin_client.get("/channels/imports/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.getvalue()[:2] == b"PK"


def test_bad_upload_shows_a_clear_error(admin_client: Any, make_channel: Any) -> None:
    channel = make_channel("tmall-flagship", Platform.TAOBAO)
    upload = SimpleUploadedFile("orders.csv", (SAMPLES / "taobao_orders_gbk.csv").read_bytes())
    response = admin_client.post("/channels/imports/", {"channel": channel.pk, "format": "taobao", "file": upload})
    assert response.status_code == 200 and ImportJob.objects.count() == 0
    assert "item report" in response.content.decode()


def test_deliveries_list_filter_detail_and_retry(
    admin_client: Any, make_channel: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from oms.channels import inbox

    channel = make_channel("shopify-intl", Platform.SHOPIFY, secret="s")
    bad = inbox.store(
        channel=channel,
        kind="webhook",
        key="k1",
        body=b'{"id": 1, "line_items": "x"}',
        topic="orders/create",
    ).delivery
    inbox.process(bad.pk)
    listing = admin_client.get("/channels/deliveries/?status=failed").content.decode()
    assert "orders/create" in listing
    detail = admin_client.get(f"/channels/deliveries/{bad.pk}/").content.decode()
    assert "&quot;line_items&quot;: &quot;x&quot;" in detail
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post("/channels/deliveries/retry/", {"ids": [bad.pk]})
    assert response.status_code == 302 and len(callbacks) == 1
    again = InboundDelivery.objects.get(pk=bad.pk)
    assert again.attempts == 1 and again.status == "failed"  # counted afresh, processed again, failed again


def test_pull_now_button(admin_client: Any, make_channel: Any, django_capture_on_commit_callbacks: Any) -> None:
    channel = make_channel("woo-site", Platform.WOOCOMMERCE, secret="s")  # no URL: the pull says so
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(f"/channels/{channel.pk}/pull/").status_code == 302
    page = admin_client.get(f"/channels/{channel.pk}/").content.decode()
    assert "consumer_key:consumer_secret" in page


def test_column_mapping_page_saves_the_mapping(admin_client: Any, make_channel: Any) -> None:
    channel = make_channel("file-shop", Platform.FILE)
    response = admin_client.post(
        f"/channels/{channel.pk}/columns/", {"order_id": "Ref", "sku": "Code", "quantity": "Qty", "unit_price": "Each"}
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.options["column_mapping"] == {
        "order_id": "Ref",
        "sku": "Code",
        "quantity": "Qty",
        "unit_price": "Each",
    }


@pytest.mark.browser
def test_import_in_a_real_browser(
    page: Any, live_server: Any, admin_user: Any, make_channel: Any, artifacts_dir: Any
) -> None:
    from django.test import Client

    channel = make_channel("jd-store", Platform.JD)
    signed_in = Client()
    signed_in.force_login(admin_user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": signed_in.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/channels/imports/")
    page.select_option("#id_channel", value=str(channel.pk))
    page.set_input_files("input[name=file]", str(SAMPLES / "jd_orders_utf8bom.csv"))
    page.click("[data-testid=import-start]")
    page.wait_for_selector("[data-testid=import-status]:has-text('Finished')", timeout=30000)
    summary = page.inner_text("[data-testid=import-summary]")
    assert "2" in summary
    page.screenshot(path=str(artifacts_dir / "channels-import.png"), full_page=True)
    assert Order.objects.count() == 2
