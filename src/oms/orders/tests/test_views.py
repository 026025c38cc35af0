"""Console pages: list filters, counts, masking, export, bulk resubmit, detail, correction, manual entry."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from oms.core.actor import Actor
from oms.orders.choices import OrderStatus
from oms.orders.incoming import IncomingLine
from oms.orders.intake import ingest_many
from oms.orders.models import Order, OrderEvent, SavedView
from oms.orders.tests.factories import channel, default_rules, incoming, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders():
    default_rules()
    product("SKU-0001")
    ch = channel()
    other = channel("jd-test", "jd")
    items = [incoming(f"V{i}", customer_phone=f"1390000{i:04d}", external_number=f"NV{i}") for i in range(4)]
    items.append(incoming("BAD", customer_phone="123", external_number="NBAD"))
    big = incoming(
        "BIG",
        customer_phone="13700001111",
        external_number="NBIG",
        lines=[IncomingLine("SKU-0001", "Tea", 30, D("50"))],
        paid_amount=D("1500"),
    )
    ingest_many(channel=ch, incomings=items, actor=Actor.channel("t"), source="webhook")
    ingest_many(channel=other, incomings=[big], actor=Actor.channel("t"), source="webhook")
    return ch, other


def login(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    return user


def test_list_counts_filters_and_masking(client, make_user, orders):
    ch, other = orders
    login(client, make_user, "viewer")
    html = client.get("/orders/").content.decode()
    assert 'data-status="pending_review"' in html and 'data-status="invalid"' in html
    assert "139****0001" in html and "13900000001" not in html  # viewer: masked
    html = client.get("/orders/", {"status": "invalid"}).content.decode()
    assert "NBAD" in html and "NV1" not in html
    html = client.get("/orders/", {"channel": other.pk}).content.decode()
    assert "NBIG" in html and "NV1" not in html
    html = client.get("/orders/", {"class": "large"}).content.decode()
    assert "NBIG" in html and "NV1" not in html
    html = client.get("/orders/", {"amount_min": "1000"}).content.decode()
    assert "NBIG" in html and "NV2" not in html
    html = client.get("/orders/", {"q": "NV2"}).content.decode()
    assert "NV2" in html and "NV3" not in html


def test_clerk_sees_phone_and_searches_by_it(client, make_user, orders):
    login(client, make_user, "order_clerk")
    html = client.get("/orders/", {"q": "13900000003"}).content.decode()
    assert "13900000003" in html and "NV3" in html and "NV2" not in html


def test_export_filtered_list_to_excel(client, make_user, orders):
    login(client, make_user, "reviewer")
    response = client.get("/orders/", {"status": "pending_review", "export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 + 5  # header + 4 valid + big
    assert {r[2] for r in rows[1:]} == {"NV0", "NV1", "NV2", "NV3", "NBIG"}


def test_viewer_may_not_export_or_correct(client, make_user, orders):
    login(client, make_user, "viewer")
    assert client.get("/orders/", {"export": "xlsx"}).status_code == 403
    bad = Order.objects.get(external_id="BAD")
    assert client.get(f"/orders/{bad.pk}/correct/").status_code == 403
    assert client.get("/orders/invalid/").status_code == 403


def test_bulk_resubmit_and_saved_view(client, make_user, orders):
    user = login(client, make_user, "order_clerk")
    bad = Order.objects.get(external_id="BAD")
    html = client.get("/orders/invalid/").content.decode()
    assert 'data-testid="alerts"' in html and "1 order arrived with problems" in html  # its open intake alert
    Order.objects.filter(pk=bad.pk).update(customer_phone="13812348000")
    response = client.post("/orders/bulk/", {"action": "resubmit", "ids": [bad.pk], "next": "/orders/invalid/"})
    assert response.status_code == 302
    assert Order.objects.get(pk=bad.pk).status == OrderStatus.PENDING_REVIEW
    assert 'data-testid="alerts"' not in client.get("/orders/invalid/").content.decode()  # cleared
    client.post("/orders/views/", {"name": "Big ones", "query": "amount_min=1000"})
    assert SavedView.objects.get(user=user).query == "amount_min=1000"
    assert "Big ones" in client.get("/orders/").content.decode()


def test_detail_and_correction_through_the_form(client, make_user, orders):
    login(client, make_user, "order_clerk")
    bad = Order.objects.get(external_id="BAD")
    html = client.get(f"/orders/{bad.pk}/").content.decode()
    assert 'data-event="created"' in html and "not a valid mobile" in html
    form = client.get(f"/orders/{bad.pk}/correct/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "customer_phone": "13812348000",
            "resubmit": "1",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-platform_sku": "SKU-0001",
            "lines-0-sku": "SKU-0001",
            "lines-0-name": "Green tea",
            "lines-0-quantity": "2",
            "lines-0-unit_price": "50",
            "lines-0-line_total": "100",
        }
    )
    response = client.post(f"/orders/{bad.pk}/correct/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    bad.refresh_from_db()
    assert bad.status == OrderStatus.PENDING_REVIEW
    assert OrderEvent.objects.get(order=bad, type="corrected").payload["changes"]["customer_phone"] == [
        "123",
        "13812348000",
    ]
    stale = dict(data, version="0", customer_name="Someone")
    response = client.post(f"/orders/{bad.pk}/correct/", stale)
    assert response.status_code in (200, 302)
    assert Order.objects.get(pk=bad.pk).customer_name == "张三"


def test_detail_shows_the_raw_delivery(client, make_user, orders):
    from oms.channels.models import InboundDelivery

    login(client, make_user, "order_clerk")
    order = Order.objects.get(external_id="V1")
    InboundDelivery.objects.create(
        channel=order.channel,
        kind="webhook",
        topic="orders/create",
        dedupe_key="d1",
        body='{"id": "V1", "note": "原始"}'.encode(),
        order=order,
    )
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "orders/create" in html and "&quot;note&quot;: &quot;原始&quot;" in html


def test_manual_entry_goes_through_intake_and_copy(client, make_user, orders):
    ch, _other = orders
    login(client, make_user, "order_clerk")
    assert client.get("/orders/new/").status_code == 200
    data = {
        "token": "t1",
        "channel": ch.pk,
        "order_type": "normal",
        "customer_name": "李四",
        "customer_phone": "13911112222",
        "address_text": "浙江省杭州市西湖区文三路1号",
        "province": "",
        "city": "",
        "district": "",
        "address_detail": "",
        "postcode": "",
        "shipping_amount": "10",
        "discount_amount": "0",
        "paid_amount": "110",
        "payment_method": "alipay",
        "payment_status": "paid",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-sku": "SKU-0001",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "50",
    }
    response = client.post("/orders/new/", data)
    assert response.status_code == 302
    order = Order.objects.get(external_id="manual-t1")
    assert (order.status, order.source, order.district, order.total_amount) == (
        OrderStatus.PENDING_REVIEW,
        "manual",
        "西湖区",
        D("110.00"),
    )
    assert client.post("/orders/new/", data).status_code == 302  # a double submit: still one order
    assert Order.objects.filter(external_id="manual-t1").count() == 1
    copy = client.get(f"/orders/new/?copy={order.pk}")
    assert copy.context["form"].initial["customer_name"] == "李四"
    assert copy.context["lines"].initial[0]["sku"] == "SKU-0001"
    html = client.get("/orders/new/address/", {"address_text": "上海市浦东新区世纪大道1号"}).content.decode()
    assert "浦东新区" in html and "Address recognised" in html
    assert "SKU-0001" in client.get("/orders/new/products/", {"q": "SKU-00"}).content.decode()


def test_dashboard_panels(client, make_user, orders):
    login(client, make_user, "order_clerk")
    html = client.get("/").content.decode()
    assert "Invalid orders" in html and "Pending review" in html


def test_rules_page_admin_edits(client, admin_user, make_user):
    client.force_login(admin_user)
    response = client.post(
        "/orders/rules/",
        {
            "name": "Guangdong",
            "field": "province",
            "operator": "contains",
            "value": "广东",
            "label": "south",
            "position": 5,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert "south" in client.get("/orders/rules/").content.decode()
    client.force_login(make_user("reviewer"))
    assert client.post("/orders/rules/", {"name": "x"}).status_code == 403


def test_detail_shows_tax_only_when_there_is_some(client, make_user, orders):
    login(client, make_user, "order_clerk")
    order = Order.objects.get(external_id="V1")
    assert 'data-testid="tax-row"' not in client.get(f"/orders/{order.pk}/").content.decode()
    Order.objects.filter(pk=order.pk).update(tax_amount=D("6.30"), taxes_included=False)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="tax-amount">+6.30<' in html
    Order.objects.filter(pk=order.pk).update(taxes_included=True)
    html = client.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="tax-amount">6.30<' in html and "税额（已含在价格中）" in html
