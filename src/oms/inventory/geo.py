"""Province names and centroids (approximate capital-city coordinates), for the delivery check and for
distance-based shipping cost when no ShippingCost row exists. Pure: no database."""

from __future__ import annotations

import math
from collections.abc import Iterable

# short name -> (lat, lng) of the provincial capital
CENTROIDS: dict[str, tuple[float, float]] = {
    "北京": (39.90, 116.40),
    "天津": (39.13, 117.20),
    "河北": (38.04, 114.51),
    "山西": (37.87, 112.55),
    "内蒙古": (40.84, 111.75),
    "辽宁": (41.80, 123.43),
    "吉林": (43.82, 125.32),
    "黑龙江": (45.80, 126.53),
    "上海": (31.23, 121.47),
    "江苏": (32.06, 118.80),
    "浙江": (30.27, 120.15),
    "安徽": (31.82, 117.23),
    "福建": (26.07, 119.30),
    "江西": (28.68, 115.86),
    "山东": (36.65, 117.12),
    "河南": (34.75, 113.62),
    "湖北": (30.59, 114.31),
    "湖南": (28.23, 112.94),
    "广东": (23.13, 113.26),
    "广西": (22.82, 108.37),
    "海南": (20.04, 110.20),
    "重庆": (29.56, 106.55),
    "四川": (30.57, 104.07),
    "贵州": (26.65, 106.63),
    "云南": (25.04, 102.71),
    "西藏": (29.65, 91.14),
    "陕西": (34.34, 108.94),
    "甘肃": (36.06, 103.83),
    "青海": (36.62, 101.78),
    "宁夏": (38.49, 106.23),
    "新疆": (43.83, 87.62),
    "台湾": (25.03, 121.57),
    "香港": (22.32, 114.17),
    "澳门": (22.20, 113.55),
}
SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def short(province: str) -> str:
    """'广东省' -> '广东', '新疆维吾尔自治区' -> '新疆'; unknown names come back stripped."""
    name = (province or "").strip()
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return name


def covers(covered: Iterable[str] | None, province: str) -> bool:
    names = {short(p) for p in (covered or []) if p}
    return not names or short(province) in names


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def centroid(province: str) -> tuple[float, float] | None:
    return CENTROIDS.get(short(province))
