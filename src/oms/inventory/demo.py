"""Demo data for the inventory area (idempotent): four warehouses, forty products, two kits,
stock received through the ledger, transfer lanes and thresholds."""

from __future__ import annotations

import random
from decimal import Decimal

from oms.core.actor import Actor
from oms.inventory import alerts, ledger
from oms.inventory.models import KitComponent, Lane, Location, Product, Stock, StockMove, StockThreshold, Warehouse

WAREHOUSES = [
    # code, name, province, city, priority, lat, lng, delivers to
    ("sh-main", "上海主仓", "上海", "上海市", 10, 31.23, 121.47,
     ["上海", "江苏", "浙江", "安徽", "山东", "江西", "福建", "河南", "湖北", "湖南", "北京", "天津", "河北"]),
    ("gz-south", "广州南仓", "广东", "广州市", 20, 23.13, 113.26,
     ["广东", "广西", "海南", "福建", "湖南", "江西", "云南", "贵州"]),
    ("bj-north", "北京北仓", "北京", "北京市", 30, 39.90, 116.40,
     ["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "山东", "河南"]),
    ("cd-west", "成都西仓", "四川", "成都市", 40, 30.57, 104.07,
     ["四川", "重庆", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆"]),
]  # fmt: skip

PRODUCTS = [
    # name, spec, cost, price, weight kg
    ("不锈钢保温杯", "500ml 黑色", "32.00", "89.00", "0.45"),
    ("不锈钢保温杯", "500ml 白色", "32.00", "89.00", "0.45"),
    ("陶瓷马克杯", "350ml", "12.50", "39.00", "0.38"),
    ("竹制砧板", "中号 36x24cm", "28.00", "69.00", "1.10"),
    ("硅胶锅铲", "耐高温", "8.60", "25.00", "0.12"),
    ("玻璃密封罐", "1L 三件套", "24.00", "59.00", "1.60"),
    ("纯棉毛巾", "34x74cm 两条装", "15.00", "39.90", "0.30"),
    ("乳胶枕", "标准款", "85.00", "199.00", "1.20"),
    ("蚕丝被", "200x230cm 春秋款", "320.00", "899.00", "2.50"),
    ("四件套床品", "1.8m 纯棉", "150.00", "399.00", "2.20"),
    ("无线鼠标", "2.4G 静音", "35.00", "79.00", "0.09"),
    ("机械键盘", "87键 青轴", "160.00", "349.00", "0.95"),
    ("USB-C 数据线", "1m 快充", "6.50", "19.90", "0.04"),
    ("手机支架", "铝合金 可折叠", "11.00", "29.90", "0.15"),
    ("蓝牙耳机", "入耳式 降噪", "120.00", "299.00", "0.08"),
    ("充电宝", "10000mAh", "55.00", "129.00", "0.22"),
    ("台灯", "LED 护眼 三档", "68.00", "159.00", "0.80"),
    ("插线板", "6位 2米", "25.00", "59.00", "0.45"),
    ("电动牙刷", "声波 两支刷头", "88.00", "199.00", "0.30"),
    ("牙膏", "美白 120g", "6.00", "15.90", "0.15"),
    ("洗发水", "去屑 750ml", "22.00", "49.90", "0.85"),
    ("沐浴露", "清香 1L", "19.00", "45.00", "1.10"),
    ("面霜", "保湿 50g", "45.00", "128.00", "0.12"),
    ("防晒霜", "SPF50 60ml", "38.00", "99.00", "0.10"),
    ("婴儿湿巾", "80抽 三包", "13.00", "29.90", "0.90"),
    ("纸尿裤", "L码 54片", "58.00", "129.00", "1.50"),
    ("奶瓶", "宽口径 240ml", "30.00", "79.00", "0.20"),
    ("儿童积木", "200粒 收纳箱装", "45.00", "119.00", "1.30"),
    ("跳绳", "计数 钢丝", "9.00", "29.00", "0.25"),
    ("瑜伽垫", "10mm 加厚", "35.00", "89.00", "1.00"),
    ("哑铃", "5kg 一对", "60.00", "139.00", "10.20"),
    ("运动水壶", "750ml 吸管款", "14.00", "39.00", "0.18"),
    ("双肩背包", "15.6寸 防水", "75.00", "189.00", "0.70"),
    ("雨伞", "全自动 折叠", "22.00", "59.00", "0.40"),
    ("绿茶", "明前龙井 250g", "95.00", "238.00", "0.30"),
    ("坚果礼盒", "每日坚果 30包", "70.00", "159.00", "0.95"),
    ("挂耳咖啡", "中度烘焙 20袋", "26.00", "69.00", "0.25"),
    ("蜂蜜", "百花蜜 500g", "28.00", "68.00", "0.60"),
    ("大米", "东北五常 5kg", "45.00", "99.00", "5.10"),
    ("食用油", "花生油 5L", "75.00", "149.00", "4.80"),
]

KITS = [
    ("KIT-0001", "保温杯情侣套装", "黑白两只", [("SKU-0001", 1), ("SKU-0002", 1)]),
    ("KIT-0002", "卧室焕新组合", "四件套+乳胶枕x2", [("SKU-0010", 1), ("SKU-0008", 2)]),
]


def load(stdout) -> None:
    actor = Actor.system("demo")
    warehouses = {}
    for code, name, province, city, priority, lat, lng, covers in WAREHOUSES:
        w, _ = Warehouse.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "province": province,
                "city": city,
                "priority": priority,
                "lat": lat,
                "lng": lng,
                "covered_provinces": covers,
                "address": f"{city}物流园",
            },  # fmt: skip
        )
        warehouses[code] = w
        for i in range(1, 4):
            Location.objects.get_or_create(warehouse=w, code=f"A-{i:02d}", defaults={"name": f"A区{i}号货架"})
    products = {}
    for i, (name, spec, cost, price, weight) in enumerate(PRODUCTS, start=1):
        sku = f"SKU-{i:04d}"
        p, _ = Product.objects.update_or_create(
            sku=sku,
            defaults={
                "name": name,
                "spec": spec,
                "unit_cost": Decimal(cost),
                "list_price": Decimal(price),
                "weight_kg": Decimal(weight),
                "barcode": f"69{i:011d}",
            },  # fmt: skip
        )
        products[sku] = p
    for sku, name, spec, parts in KITS:
        kit, _ = Product.objects.update_or_create(sku=sku, defaults={"name": name, "spec": spec, "is_kit": True})
        for comp, qty in parts:
            KitComponent.objects.update_or_create(kit=kit, component=products[comp], defaults={"quantity": qty})
    codes = list(warehouses)
    for a in codes:
        for b in codes:
            if a != b:
                far = {frozenset(("gz-south", "bj-north")), frozenset(("cd-west", "sh-main"))}
                lane_cost = Decimal("3.50") if frozenset((a, b)) in far else Decimal("2.00")
                Lane.objects.get_or_create(
                    source=warehouses[a],
                    destination=warehouses[b],
                    defaults={"unit_cost": lane_cost, "lead_time_days": 4 if lane_cost > 2 else 2},
                )
    if not StockMove.objects.filter(reason="demo opening stock").exists():
        rng = random.Random(42)  # same demo every time
        deltas = []
        for p in products.values():
            for w in warehouses.values():
                if rng.random() < 0.8:
                    qty = rng.choice([0, 3, 8, 15, 30, 60, 120])
                    if qty:
                        deltas.append(ledger.receipt(p.pk, w.pk, qty))
        ledger.apply(deltas, actor, reason="demo opening stock")

        for s in Stock.objects.filter(warehouse__in=warehouses.values()).select_related("warehouse"):
            bin_code = f"A-{s.product_id % 3 + 1:02d}"
            s.location = Location.objects.get(warehouse=s.warehouse, code=bin_code)
            s.save(update_fields=["location"])
        for sku in ("SKU-0001", "SKU-0011", "SKU-0015", "SKU-0026"):
            for w in warehouses.values():
                StockThreshold.objects.get_or_create(
                    product=products[sku], warehouse=w, defaults={"minimum": 10, "target": 40}
                )

        alerts.scan()
    stdout.write(f"inventory: {len(warehouses)} warehouses, {len(products) + len(KITS)} products")
