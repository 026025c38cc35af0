"""OrderCount (orders up to a mark: folded in by counts.fold(), changes followed by triggers) and the
list's counts and class filter built on it: the same answers as counting and matching the orders
themselves, whatever writes the orders, before and after a fold.
Runs on SQLite, and on PostgreSQL with OMS_TEST_DATABASE_URL."""

import json
import random
from collections import Counter
from decimal import Decimal as D

import pytest
from django.db import connection
from django.http import QueryDict

from oms.core.actor import Actor
from oms.orders import counts, selectors
from oms.orders.choices import OrderStatus, OrderType
from oms.orders.intake import ingest_many
from oms.orders.models import Order, OrderCount
from oms.orders.tests.factories import at, channel, default_rules, incoming, product

pytestmark = pytest.mark.django_db

LABEL_SETS = [
    [],
    ["small", "src-taobao"],
    ["medium", "src-taobao", "vip"],
    ["large", "src-jd"],
    ["large", "src-jd", "urgent", "vip"],
    ["small", "src-direct", "presale"],
    ["VIP-gold"],
    ["vip2"],
]


def live_counts() -> Counter:
    """What OrderCount must hold: orders up to the mark per (channel, status, type, class list)."""
    counted: Counter = Counter()
    rows = Order.objects.filter(pk__lte=counts.mark()).values_list("channel_id", "status", "order_type", "classes")
    for ch, status, order_type, classes in rows:
        counted[(ch, status, order_type, json.dumps(classes))] += 1
    return counted


def held_counts() -> Counter:
    held: Counter = Counter()
    for ch, status, order_type, classes, n in OrderCount.objects.filter(n__gt=0).values_list(
        "channel_id", "status", "order_type", "classes", "n"
    ):
        held[(ch, status, order_type, json.dumps(classes))] += n
    assert not OrderCount.objects.filter(n__lt=0).exists()
    return held


def make_orders(n: int, seed: int = 1) -> list[Order]:
    rnd = random.Random(seed)
    channels = [channel("cnt-a", "taobao"), channel("cnt-b", "jd")]
    orders = [
        Order(
            number=f"CNT{seed}-{i}",
            channel=rnd.choice(channels),
            external_id=f"{seed}-{i}",
            status=rnd.choice(OrderStatus.values),
            order_type=rnd.choice(OrderType.values),
            classes=rnd.choice(LABEL_SETS),
            total_amount=D(rnd.randrange(1, 3000)),
        )
        for i in range(n)
    ]
    return Order.objects.bulk_create(orders)


def test_new_orders_wait_after_the_mark_until_a_fold():
    make_orders(30)
    assert counts.mark() == 0 and held_counts() == Counter()
    top = Order.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert counts.fold() == top
    assert counts.mark() == top and held_counts() == live_counts() and sum(live_counts().values()) == 30
    assert counts.fold() == 0
    make_orders(5, seed=2)
    assert counts.fold() == 5 and sum(held_counts().values()) == 35


def test_counts_follow_every_kind_of_write():
    orders = make_orders(120)
    counts.fold()
    assert held_counts() == live_counts()
    one, two, three = orders[:3]
    # save() of one field, a full save(), a change of class list, type and channel
    one.status = OrderStatus.APPROVED
    one.save(update_fields=["status"])
    two.classes = ["large", "src-jd", "vip"]
    two.order_type = OrderType.COD
    two.save()
    three.channel = channel("cnt-c", "shopify")
    three.save()
    assert held_counts() == live_counts()
    # a save changing nothing counted, a queryset update, a delete and a queryset delete
    one.customer_name = "李四"
    one.save()
    Order.objects.filter(status=OrderStatus.PENDING_REVIEW).update(status=OrderStatus.ON_HOLD)
    Order.objects.filter(pk__in=[o.pk for o in orders[10:20]]).update(classes=["small"])
    orders[30].delete()
    Order.objects.filter(pk__in=[o.pk for o in orders[40:50]]).delete()
    assert held_counts() == live_counts()
    # plain SQL, the way a bulk intake writes
    ch = channel("cnt-a", "taobao")
    with connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO orders_order (number, channel_id, shop, external_id, external_number, order_type, tags,"
            " classes, customer_name, customer_phone, customer_email, customer_id_card, buyer_id, country, province,"
            " city, district, address_detail, postcode, address_raw, buyer_note, seller_note, currency, goods_amount,"
            " shipping_amount, discount_amount, tax_amount, taxes_included, total_amount, paid_amount,"
            " payment_method, payment_status, transaction_id, status, problems, source, source_hash, content_key,"
            " version, created_at, updated_at) VALUES (%s, %s, '', %s, '', 'normal', '[]', %s, '', '', '', '', '',"
            " 'CN', '', '', '', '', '', '', '', '', 'CNY', 0, 0, 0, 0, %s, 0, 0, '', 'unpaid', '', 'received', '[]',"
            " '', '', '', 0, %s, %s)",
            [
                (f"RAW{i}", ch.pk, f"raw-{i}", json.dumps(LABEL_SETS[i % 3]), True, "2026-01-01", "2026-01-01")
                for i in range(5)
            ],
        )
    assert held_counts() == live_counts()  # not counted yet: after the mark
    counts.fold()
    assert held_counts() == live_counts() and Order.objects.filter(pk__gt=counts.mark()).count() == 0


def test_counts_follow_intake_and_correction():
    default_rules()
    product("SKU-0001")
    ch = channel()
    items = [incoming(f"I{i}", customer_phone=f"1390000{i:04d}") for i in range(6)]
    items.append(incoming("BAD", customer_phone="123"))
    items.append(incoming("BIG", lines=[], paid_amount=D("0")))
    ingest_many(channel=ch, incomings=items, actor=Actor.channel("t"), source="webhook")
    assert Order.objects.count() == 8
    counts.fold()
    assert held_counts() == live_counts()
    # the platform cancels one: a status change through the actions
    ingest_many(channel=ch, incomings=[incoming("I1", cancelled=True)], actor=Actor.channel("t"), source="webhook")
    assert held_counts() == live_counts()


@pytest.mark.parametrize("label", ["vip", "VIP", "large", "src", "src-jd", "vip-gold", "vip2", "nothing"])
@pytest.mark.parametrize("folded", ["none", "half", "all"])
def test_class_filter_matches_exactly_the_orders_with_that_class(label, folded):
    make_orders(100)
    if folded != "none":
        counts.fold()
    if folded == "half":
        make_orders(50, seed=2)
    flt = selectors.OrderFilter.from_params(QueryDict(f"class={label}"))
    found = set(flt.apply(Order.objects.all()).values_list("pk", flat=True))
    # The meaning it always had: the quoted label, case-insensitive, in the list's JSON.
    expected = {
        pk
        for pk, classes in Order.objects.values_list("pk", "classes")
        if f'"{label.lower()}"' in json.dumps(classes).lower()
    }
    assert found == expected
    if label in ("vip", "large"):
        assert expected


def assert_list_counts_match(user, flt):
    """The list's counts per status, total and per class equal counting the filtered orders; returns
    the class lists of the matching orders."""
    shown = selectors.list_counts(user, flt)
    without_status = list(flt.apply(Order.objects.all(), with_status=False).values_list("status", flat=True))
    assert shown.statuses == dict(Counter(without_status))
    matching = list(flt.apply(Order.objects.all()).values_list("classes", flat=True))
    assert shown.total == len(matching)
    labels = ["small", "large", "vip", "src-jd", "presale"]
    assert shown.classes(labels) == {label: sum(label in c for c in matching) for label in labels}
    return matching


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=pending_review",
        "status=pending_review&status=invalid",
        "class=vip",
        "class=large&status=approved",
        "type=cod&class=vip",
        "channel={b}",
        "channel={b}&status=approved&class=src-jd",
        "amount_min=1000",
        "amount_max=500&class=small",
        "date_from=2020-01-01&status=approved",
        # ranges holding most orders: counted as all minus the orders outside
        "date_from=2019-01-01",
        "date_from=2020-01-01&date_to=2100-01-01&class=vip",
        "date_to=2100-12-31&channel={b}&status=approved",
        "amount_min=2&type=cod",
        "amount_min=2&amount_max=2900",
        "amount_max=100000&status=pending_review&status=invalid",
        "date_from=2019-01-01&amount_min=2",
    ],
)
@pytest.mark.parametrize("folded", [False, True])
def test_list_counts_equal_counting_the_orders(query, folded, admin_user):
    orders = make_orders(150)
    if folded:  # the first 150 counted in OrderCount, 50 after the mark
        counts.fold()
    orders += make_orders(50, seed=2)
    Order.objects.filter(pk__in=[o.pk for o in orders[::3]]).update(created_at=at("2020-06-01 12:00:00"))
    query = query.format(b=channel("cnt-b", "jd").pk)
    flt = selectors.OrderFilter.from_params(QueryDict(query))
    matching = assert_list_counts_match(admin_user, flt)
    expected_count = len(matching) if flt.countable else None
    assert selectors.count_for(admin_user, flt) == expected_count


def test_counts_and_api_count_keep_to_the_users_channels(client, make_user):
    from oms.accounts.models import UserProfile

    make_orders(100)
    a, b = channel("cnt-a", "taobao"), channel("cnt-b", "jd")
    user = make_user("viewer")
    profile, _ = UserProfile.objects.get_or_create(user=user)
    profile.channels.set([b])
    client.force_login(user)
    flt = selectors.OrderFilter.from_params(QueryDict("class=vip"))
    in_b = Order.objects.filter(channel=b, pk__in=flt.apply(Order.objects.all()))
    assert selectors.list_counts(user, flt).total == in_b.count() > 0
    body = client.get("/api/v1/orders/", {"class": "vip"}).json()
    assert body["count"] == in_b.count()
    assert {row["id"] for row in body["results"]} <= set(in_b.values_list("pk", flat=True))
    # a channel outside the user's scope is refused like one that does not exist (not an empty list)
    for params in ({"channel_id": a.pk}, {"channel": a.code}):
        refused = client.get("/api/v1/orders/", params)
        assert refused.status_code == 400 and set(refused.json()["error"]["fields"]) == set(params)


def test_list_page_total_and_pages_from_the_counts(client, admin_user):
    make_orders(100)
    counts.fold()
    make_orders(30, seed=2)
    client.force_login(admin_user)
    response = client.get("/orders/", {"class": "vip"})
    expected = sum("vip" in c for c in Order.objects.values_list("classes", flat=True))
    assert response.context["total"] == expected
    assert response.context["page"].paginator.count == expected
    body = client.get("/api/v1/orders/", {"class": "vip", "page_size": 10}).json()
    assert body["count"] == expected and len(body["results"]) == min(10, expected)


def test_missing_triggers_are_put_back_after_migrate_and_the_counts_refilled():
    """A later SQLite migration that rebuilds orders_order drops its triggers with the old table."""
    from oms.orders import counts

    make_orders(40)
    counts.fold()
    vendor = connection.vendor
    with connection.cursor() as cur:
        cur.execute("DROP TRIGGER orders_ordercount_update" + (" ON orders_order" if vendor == "postgresql" else ""))
    Order.objects.filter(status=OrderStatus.PENDING_REVIEW).update(status=OrderStatus.APPROVED)  # not counted
    OrderCount.objects.update(n=7)
    assert counts.ensure_triggers() is True
    with connection.cursor() as cur:
        assert counts.installed_triggers(cur, vendor) == set(counts._triggers(vendor))
    assert held_counts() == live_counts()
    assert counts.ensure_triggers() is False  # all there: nothing done
    Order.objects.filter(status=OrderStatus.APPROVED).update(status=OrderStatus.CONFIRMED)
    assert held_counts() == live_counts()


def test_a_range_holding_most_orders_is_counted_from_outside():
    orders = make_orders(60)
    Order.objects.filter(pk__in=[o.pk for o in orders[:10]]).update(created_at=at("2020-06-01 12:00:00"))
    counts.fold()  # "most orders" is judged against OrderCount

    def sides(query):
        return selectors._wide_range_complement(selectors.OrderFilter.from_params(QueryDict(query)))

    assert sides("date_from=2021-01-01") is not None  # 50 of 60 inside: count the 10 outside
    assert sides("date_to=2021-01-01") is None  # 10 of 60 inside: count them
    assert len(sides("date_from=2019-01-01&date_to=2100-01-01")) == 2
    assert sides("date_from=2019-01-01&amount_min=0") is None  # two kinds of range
    assert sides("date_from=2019-01-01&q=13800000000") is None


@pytest.mark.parametrize(
    "query", ["", "class=vip", "status=approved&status=pending_review", "amount_min=1000", "type=cod"]
)
def test_list_orders_for_a_user_of_several_channels_is_the_restricted_list(make_user, query):
    from oms.accounts.models import UserProfile

    make_orders(150)
    a, b, c = channel("cnt-a", "taobao"), channel("cnt-b", "jd"), channel("cnt-c", "shopify")
    Order.objects.filter(pk__in=Order.objects.filter(channel=a).values("pk")[:60]).update(channel=c)
    counts.fold()  # how many orders the user's channels hold is read from OrderCount
    user = make_user("viewer")
    profile, _ = UserProfile.objects.get_or_create(user=user)
    profile.channels.set([b, c])

    def expected(channels):
        qs = flt.apply(Order.objects.filter(channel__in=channels))
        return list(qs.order_by("-created_at", "-pk").values_list("pk"))

    flt = selectors.OrderFilter.from_params(QueryDict(query))
    listed = selectors.list_orders(user, flt, rows_needed=50)
    assert list(listed.values_list("pk")) == expected([b, c])
    if connection.vendor == "sqlite" and not query:  # b and c hold most orders: walk the list order
        assert "+ 0" in str(listed.query)
    # a and b down to 3 orders of 150: read them through the channel index
    keep = list(Order.objects.filter(channel=b).values_list("pk", flat=True)[:3])
    Order.objects.filter(channel__in=[a, b]).exclude(pk__in=keep).update(channel=c)
    profile.channels.set([a, b])
    user = type(user).objects.get(pk=user.pk)  # the scope is cached per user object
    listed = selectors.list_orders(user, flt, rows_needed=50)
    assert list(listed.values_list("pk")) == expected([a, b])
    assert "+ 0" not in str(listed.query)


DATES = [
    "2025-12-31 23:30:00",
    "2026-01-01 00:10:00",
    "2026-01-01 09:00:00",
    "2026-01-15 12:00:00",
    "2026-01-31 23:59:59",
    "2026-02-01 07:59:00",
    "2026-02-01 08:01:00",
    "2026-02-28 23:00:00",
    "2026-03-01 00:00:00",
    "2026-03-17 10:00:00",
    "2026-04-30 23:59:00",
    "2026-05-01 00:00:01",
]


@pytest.mark.parametrize(
    "query",
    [
        "date_from=2026-01-01",
        "date_to=2026-02-28",
        "date_from=2026-01-01&date_to=2026-03-31",
        "date_from=2026-01-02&date_to=2026-04-29&class=vip",
        "date_from=2025-12-01&date_to=2026-05-01&status=approved&status=on_hold",
        "date_from=2026-02-01&date_to=2026-02-28&channel={b}",
        "date_from=2026-01-20&date_to=2026-02-10",
        "date_to=2026-04-30&type=cod",
    ],
)
@pytest.mark.parametrize("folded", ["none", "half", "all"])
def test_date_filters_counted_by_month_equal_counting_the_orders(query, folded, admin_user):
    orders = make_orders(240)
    for i, order in enumerate(orders):  # received on the dates around month ends, in Asia/Shanghai
        Order.objects.filter(pk=order.pk).update(created_at=at(DATES[i % len(DATES)]))
    if folded == "all":
        counts.fold()
    elif folded == "half":
        counts.fold(upto=orders[120].pk)
    Order.objects.filter(pk__in=[o.pk for o in orders[::7]]).update(status=OrderStatus.ON_HOLD)
    flt = selectors.OrderFilter.from_params(QueryDict(query.format(b=channel("cnt-b", "jd").pk)))
    if "2026-01-02" in query:  # whole UTC months February and March from OrderCount, the ends from the orders
        assert len(selectors._month_span(flt).edges) == 2
    assert_list_counts_match(admin_user, flt)
    assert held_counts() == live_counts()  # the month of each counted order followed its created_at
