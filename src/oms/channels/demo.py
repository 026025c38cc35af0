"""Demo channels (idempotent): one shop per platform, with SKU mappings to products SKU-0001..SKU-0040.

Runs before the inventory demo; products it needs are created as placeholders with get_or_create,
and the inventory demo then fills in their names and prices (it uses update_or_create).
"""

from __future__ import annotations

from typing import Any

from oms.channels import registry
from oms.channels.models import Channel, Platform, SkuMapping

CHANNELS = [
    ("tmall-flagship", "天猫旗舰店", Platform.TAOBAO, "山野茶舍旗舰店", "TB", 12),
    ("jd-store", "京东自营店", Platform.JD, "山野茶舍京东店", "JD", 10),
    ("shopify-intl", "Shopify 国际站", Platform.SHOPIFY, "shan-ye.myshopify.com", "SH", 8),
    ("woo-site", "官网商城 (WooCommerce)", Platform.WOOCOMMERCE, "shop.example.cn", "WC", 8),
    ("manual", "手工录单", Platform.MANUAL, "", "", 0),
]


def load(stdout: Any) -> None:
    from oms.inventory.models import Product

    made = 0
    for code, name, platform, shop, prefix, mapped in CHANNELS:
        channel, created = Channel.objects.get_or_create(
            code=code, defaults={"name": name, "platform": platform, "shop": shop}
        )
        if created:
            made += 1
        if registry.get(platform) is not None and not channel.secret_encrypted:
            channel.secret = f"demo-{code}-webhook-secret"
            channel.save(update_fields=["secret_encrypted"])
        for i in range(1, mapped + 1):
            n = (i * 3 + len(code)) % 40 + 1
            product, _c = Product.objects.get_or_create(sku=f"SKU-{n:04d}", defaults={"name": f"SKU-{n:04d}"})
            SkuMapping.objects.get_or_create(
                channel=channel, platform_sku=f"{prefix}-{n:05d}", defaults={"product": product, "quantity": 1}
            )
    stdout.write(f"channels: {made} demo channels added, {SkuMapping.objects.count()} SKU mappings in all")
