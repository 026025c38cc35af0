"""Demo orders (idempotent): a few hundred orders across the demo channels, most waiting for review,
some invalid with the problems a clerk meets every day. Everything goes through intake."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from oms.channels.models import Channel, SkuMapping
from oms.core.actor import Actor
from oms.inventory.models import Product, Warehouse
from oms.orders.incoming import IncomingAddress, IncomingLine, IncomingOrder
from oms.orders.intake import ingest_many
from oms.orders.models import Order
from oms.orders.review.demo import advance

CHANNELS = [
    ("tmall-flagship", "天猫旗舰店", "taobao"),
    ("jd-store", "京东自营店", "jd"),
    ("shopify-intl", "Shopify International", "shopify"),
    ("woo-site", "官网商城 (WooCommerce)", "woocommerce"),
    ("manual", "手工录单", "manual"),
]
WAREHOUSES = [("sh-main", "上海主仓", "上海市"), ("gz-south", "广州南仓", "广东省"), ("bj-north", "北京北仓", "北京市"),
              ("cd-west", "成都西仓", "四川省")]  # fmt: skip

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文",
    "华",
    "金凤",
    "志强",
    "晓东",
    "雨婷",
    "子涵",
    "浩然",
    "欣怡",
]
PLACES = [
    ("上海市", "上海市", "浦东新区", ["世纪大道", "张杨路", "陆家嘴环路"]),
    ("上海市", "上海市", "徐汇区", ["漕溪北路", "肇嘉浜路", "天钥桥路"]),
    ("北京市", "北京市", "朝阳区", ["建国路", "朝阳北路", "望京街"]),
    ("北京市", "北京市", "海淀区", ["中关村大街", "学院路", "知春路"]),
    ("广东省", "广州市", "天河区", ["天河路", "体育西路", "珠江新城花城大道"]),
    ("广东省", "深圳市", "南山区", ["科技园南路", "深南大道", "后海大道"]),
    ("浙江省", "杭州市", "西湖区", ["文三路", "天目山路", "古墩路"]),
    ("江苏省", "南京市", "鼓楼区", ["中山北路", "湖南路", "汉中路"]),
    ("四川省", "成都市", "武侯区", ["人民南路", "科华北路", "武侯祠大街"]),
    ("湖北省", "武汉市", "洪山区", ["珞喻路", "雄楚大道", "光谷大道"]),
    ("山东省", "青岛市", "市南区", ["香港中路", "东海西路", "山东路"]),
    ("重庆市", "重庆市", "渝中区", ["解放碑步行街", "中山四路", "民生路"]),
    ("陕西省", "西安市", "雁塔区", ["小寨东路", "长安南路", "科技路"]),
    ("福建省", "厦门市", "思明区", ["湖滨南路", "莲前西路", "厦禾路"]),
]
COUNT = 300


def _channels() -> dict[str, Any]:
    return {
        code: Channel.objects.get_or_create(code=code, defaults={"name": name, "platform": platform})[0]
        for code, name, platform in CHANNELS
    }


def _products() -> list[Any]:
    products = []
    for i in range(1, 41):
        sku = f"SKU-{i:04d}"
        price = Decimal(str(19 + (i * 37) % 380)) + Decimal("0.90")
        products.append(Product.objects.get_or_create(sku=sku, defaults={"name": f"商品 {i}", "list_price": price})[0])
    return products


def _warehouses() -> None:
    for code, name, province in WAREHOUSES:
        if not Warehouse.objects.filter(code=code).exists():
            Warehouse.objects.create(code=code, name=name, province=province)


def load(stdout) -> None:  # noqa: ANN001 - the demo command passes its stdout

    channels = _channels()
    products = _products()
    _warehouses()
    tmall = channels["tmall-flagship"]
    for n, product in enumerate(products[:10], start=1):  # Tmall lists its own codes for ten products
        SkuMapping.objects.get_or_create(channel=tmall, platform_sku=f"TM-{n:05d}", defaults={"product": product})
    if Order.objects.filter(external_id__startswith="DEMO-").exists():
        stdout.write("orders: demo orders already present")
        return
    rng = random.Random(4)  # the same demo every time
    now = timezone.now().replace(microsecond=0)
    batches: dict[str, list[IncomingOrder]] = {code: [] for code in channels}
    for i in range(1, COUNT + 1):
        code = rng.choice(["tmall-flagship"] * 4 + ["jd-store"] * 3 + ["shopify-intl", "woo-site", "manual"])
        province, city, district, streets = rng.choice(PLACES)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = rng.choice(["138", "139", "150", "186", "177", "135"]) + f"{rng.randrange(10**8):08d}"
        lines = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            n = rng.randrange(len(products))
            product = products[n]
            platform_sku = f"TM-{n + 1:05d}" if code == "tmall-flagship" and n < 10 else product.sku
            lines.append(IncomingLine(platform_sku, product.name, rng.choice([1, 1, 2, 3]), product.list_price))
        goods = sum((ln.unit_price * ln.quantity for ln in lines), Decimal("0"))
        shipping = Decimal("0") if goods >= 99 else Decimal("10")
        discount = Decimal("20") if goods > 500 and rng.random() < 0.3 else Decimal("0")
        order_type = rng.choice(["normal"] * 12 + ["urgent", "presale", "cod"])
        total = goods + shipping - discount
        paid = Decimal("0") if order_type == "cod" else total
        detail = f"{rng.choice(streets)}{rng.randrange(1, 999)}号{rng.randrange(1, 30)}栋{rng.randrange(101, 2800)}室"
        address = IncomingAddress(province=province, city=city, district=district, detail=detail)
        # About one order in ten arrives with a problem a clerk has to fix.
        flaw = rng.random()
        if flaw < 0.03:
            phone = phone[:7]
        elif flaw < 0.06:
            address = IncomingAddress(raw=f"{rng.choice(streets)}{rng.randrange(1, 999)}号")
        elif flaw < 0.08:
            lines.append(IncomingLine("OLD-LISTING-7", "已下架商品", 1, Decimal("0")))
        elif flaw < 0.10:
            paid = total - Decimal("5")
        placed = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 14))
        batches[code].append(
            IncomingOrder(
                external_id=f"DEMO-{code}-{i:05d}",
                external_number=f"{'TB' if code == 'tmall-flagship' else code[:2].upper()}{20260000000 + i * 7919}",
                order_type=order_type,
                tags=["vip"] if rng.random() < 0.05 else [],
                customer_name=name,
                customer_phone=phone,
                address=address,
                lines=lines,
                shipping_amount=shipping,
                discount_amount=discount,
                paid_amount=paid,
                payment_method="cod" if order_type == "cod" else rng.choice(["alipay", "wechat", "card"]),
                payment_status="unpaid" if order_type == "cod" else "paid",
                placed_at=placed,
                paid_at=None if order_type == "cod" else placed + timedelta(minutes=2),
                updated_at=placed,
                buyer_note=rng.choice(["", "", "", "请尽快发货", "周末送货", "不要放快递柜"]),
            )
        )
    created = invalid = 0
    for code, incomings in batches.items():
        if not incomings:
            continue
        results = ingest_many(channel=channels[code], incomings=incomings, actor=Actor.channel(code), source="demo")
        created += sum(r.outcome == "created" for r in results)
        invalid += sum(bool(r.problems) for r in results)
    stdout.write(f"orders: {created} demo orders ({invalid} with problems to correct)")

    advance(stdout)
