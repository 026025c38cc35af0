"""Data scopes: a user limited to a warehouse or a channel sees only its rows in a list, a detail
(404 outside), the API and an export, all through restrict() and the shared helpers."""

import csv
import io

import pytest

from oms.accounts.models import UserProfile
from oms.core.scoping import UserScope, scope_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("oms.system.tests.scope_urls")]


@pytest.fixture
def data():
    from oms.channels.models import Channel, SkuMapping
    from oms.inventory.models import Product, Warehouse

    w1 = Warehouse.objects.create(code="hz", name="Hangzhou", province="Zhejiang")
    w2 = Warehouse.objects.create(code="sz", name="Shenzhen", province="Guangdong")
    c1 = Channel.objects.create(code="tmall", name="Tmall", platform="taobao")
    c2 = Channel.objects.create(code="jd", name="JD", platform="jd")
    product = Product.objects.create(sku="SKU1", name="Tea")
    m1 = SkuMapping.objects.create(channel=c1, platform_sku="T-1", product=product)
    m2 = SkuMapping.objects.create(channel=c2, platform_sku="J-1", product=product)
    return {"w1": w1, "w2": w2, "c1": c1, "c2": c2, "m1": m1, "m2": m2}


def limited(make_user, *, warehouses=(), channels=()):
    user = make_user("viewer")
    profile = UserProfile.objects.get(user=user)
    profile.warehouses.set(warehouses)
    profile.channels.set(channels)
    return user


def _export(client, model):
    text = client.get(f"/scope-test/{model}/export.csv").getvalue().decode("utf-8-sig")
    return sorted(r[0] for r in list(csv.reader(io.StringIO(text)))[1:])


def test_warehouse_limited_user_sees_only_that_warehouse(client, make_user, data):
    user = limited(make_user, warehouses=[data["w1"]])
    client.force_login(user)
    assert client.get("/scope-test/warehouse/").json()["rows"] == ["hz"]
    assert client.get(f"/scope-test/warehouse/{data['w1'].pk}/").json()["row"] == "hz"
    assert client.get(f"/scope-test/warehouse/{data['w2'].pk}/").status_code == 404
    assert [r["id"] for r in client.get("/scope-api/warehouse/").json()["results"]] == [data["w1"].pk]
    assert client.get(f"/scope-api/warehouse/{data['w2'].pk}/").status_code == 404
    assert _export(client, "warehouse") == ["hz"]
    # Not limited by channel: sees every channel.
    assert sorted(client.get("/scope-test/channel/").json()["rows"]) == ["jd", "tmall"]


def test_channel_limited_user_sees_only_that_channel_and_its_mappings(client, make_user, data):
    client.force_login(limited(make_user, channels=[data["c2"]]))
    assert client.get("/scope-test/channel/").json()["rows"] == ["jd"]
    assert client.get("/scope-test/skumapping/").json()["rows"] == ["J-1"]
    assert client.get(f"/scope-test/skumapping/{data['m1'].pk}/").status_code == 404
    assert client.get(f"/scope-test/channel/{data['c1'].pk}/").status_code == 404
    assert client.get(f"/scope-api/skumapping/{data['m2'].pk}/").json()["id"] == data["m2"].pk
    assert client.get(f"/scope-api/channel/{data['c1'].pk}/").status_code == 404
    assert _export(client, "skumapping") == ["J-1"]
    assert _export(client, "channel") == ["jd"]


def test_unlimited_user_and_anonymous(client, make_user, data):
    client.force_login(make_user("viewer"))
    assert sorted(client.get("/scope-test/warehouse/").json()["rows"]) == ["hz", "sz"]
    client.logout()
    assert client.get(f"/scope-test/warehouse/{data['w1'].pk}/").status_code == 404


def test_scope_is_two_queries_then_cached(make_user, data, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    user = limited(make_user, warehouses=[data["w1"], data["w2"]], channels=[data["c1"]])
    fresh = get_user_model().objects.get(pk=user.pk)
    with django_assert_num_queries(2):
        scope = scope_of(fresh)
        scope_of(fresh)
    assert scope == UserScope(frozenset({data["c1"].pk}), frozenset({data["w1"].pk, data["w2"].pk}))
