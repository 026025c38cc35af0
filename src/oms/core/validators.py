"""Shared validators for personal data: names, phone numbers, Chinese ID cards, Chinese addresses.

Pure functions (no database). Each returns a plain value or None; callers turn failures into
their own problem codes and messages.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

import phonenumbers

# --- names -------------------------------------------------------------------------------------

_NAME_BAD = re.compile(r"[0-9@#$%^&*_=+<>{}\[\]|\\/~`!?;:\"]")


def is_valid_name(name: str) -> bool:
    """A person's name: 2..100 characters (one CJK character allowed), no digits or symbols."""
    name = (name or "").strip()
    if not name or len(name) > 100 or _NAME_BAD.search(name):
        return False
    # a single character is a name only if it is a CJK ideograph
    return len(name) > 1 or "\u4e00" <= name <= "\u9fff"


# --- phone numbers -----------------------------------------------------------------------------

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class Phone:
    e164: str
    national: str  # digits as a clerk types them in China: 13812348000 / 01088886666
    mobile: bool


_CN_MOBILE_TEXT = re.compile(r"1\d{10}")


@lru_cache(maxsize=16384)
def _cn_type_by_segment(segment: str) -> int:
    """The type of every 11-digit +86 number starting with this 7-digit segment (号段).

    China allocates mobile numbers by 7-digit segment, and libphonenumber's CN patterns for
    11-digit numbers starting with 1 decide on those first 7 digits alone (checked over every
    segment in core/tests/test_validators.py), so one lookup per segment serves a whole import."""
    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(segment + "0000"))
    return int(phonenumbers.number_type(number))


# Small on purpose: intake asks twice in a row for the same number (normalise, then check); a
# big cache of distinct numbers only holds memory during a long import.
@lru_cache(maxsize=4096)
def parse_phone(raw: str, region: str = "CN") -> Phone | None:
    """Mobile or landline, CN by default; None when it is not a valid number."""
    text = (raw or "").strip()
    if not text:
        return None
    if region == "CN" and _CN_MOBILE_TEXT.fullmatch(text):
        # The common case (11 digits typed as 13812348000): skip the generic parser and classify
        # once; for +86 "valid" is exactly "has a known type" (is_valid_number for a one-region code).
        kind = _cn_type_by_segment(text[:7])
        if kind == phonenumbers.PhoneNumberType.UNKNOWN:
            return None
        mobile = kind in _MOBILE_TYPES
        return Phone(e164="+86" + text, national=text if mobile else "0" + text, mobile=mobile)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    national = phonenumbers.national_significant_number(number)
    if number.country_code == 86 and phonenumbers.number_type(number) not in _MOBILE_TYPES:
        national = "0" + national  # landlines keep their trunk prefix: 010-8888 6666
    return Phone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        national=national
        if number.country_code == 86
        else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        mobile=phonenumbers.number_type(number) in _MOBILE_TYPES,
    )


def mask_phone(phone: str) -> str:
    """138****8000: keep the first three and last four digits."""
    digits = phone or ""
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


# --- ID cards (GB 11643-1999) ------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_card_problem(number: str, today: date | None = None) -> str | None:
    """None when valid; else "format", "birth_date" or "check_digit"."""
    value = (number or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "format"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    if born.year < 1900 or born > (today or date.today()):
        return "birth_date"
    if id_card_check_digit(value[:17]) != value[17]:
        return "check_digit"
    return None


def mask_id_card(number: str) -> str:
    """1101**********1234: keep the first four and last four characters."""
    value = number or ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


# --- Chinese addresses -------------------------------------------------------------------------
# Administrative divisions come from the adcode table shipped in the `cpca` package. We read its CSV
# once (importing cpca itself pulls in pandas and is slow per call) and match by longest prefix.

_MUNICIPALITIES = {"11", "12", "31", "50"}
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("市", "地区", "盟")
_DISTRICT_SUFFIXES = ("区", "县", "市", "旗")
_SEPARATORS = re.compile(r"[\s,，、/\-]+")

# Well-known functional districts (development zones) that people write as a district although
# the adcode table has no county-level row for them. Codes are the statistics bureau's (xx71...):
# parent city code -> (code, name, other names written in addresses).
_FUNCTIONAL_DISTRICTS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "320500": [("320571", "苏州工业园区", ("工业园区", "园区", "苏州园区", "SIP"))],
    "410100": [
        ("410171", "郑州经济技术开发区", ("经济技术开发区", "经开区", "郑州经开区")),
        ("410172", "郑州高新技术产业开发区", ("高新技术产业开发区", "高新区", "郑州高新区")),
        ("410173", "郑州航空港经济综合实验区", ("航空港经济综合实验区", "航空港区", "航空港", "郑州航空港区")),
    ],
    "220100": [
        ("220171", "长春经济技术开发区", ("经济技术开发区", "经开区", "长春经开区")),
        ("220172", "长春净月高新技术产业开发区", ("净月高新技术产业开发区", "净月区", "净月高新区", "净月开发区")),
        ("220173", "长春高新技术产业开发区", ("高新技术产业开发区", "高新区", "长春高新区")),
        ("220174", "长春汽车经济技术开发区", ("汽车经济技术开发区", "汽开区", "汽车产业开发区")),
    ],
    "340100": [
        ("340171", "合肥高新技术产业开发区", ("高新技术产业开发区", "高新区", "合肥高新区")),
        ("340172", "合肥经济技术开发区", ("经济技术开发区", "经开区", "合肥经开区")),
        ("340173", "合肥新站高新技术产业开发区", ("新站高新技术产业开发区", "新站区", "新站高新区")),
    ],
    "370100": [("370171", "济南高新技术产业开发区", ("高新技术产业开发区", "高新区", "济南高新区"))],
    "620100": [("620171", "兰州新区", ())],
}


@dataclass(frozen=True)
class Division:
    code: str  # six digits
    name: str


@dataclass(frozen=True)
class ResolvedAddress:
    province: str
    city: str
    district: str
    adcode: str
    rest: str = ""  # what follows the division names in the text (street, building, ...)


def adcodes_path() -> Path:
    spec = importlib.util.find_spec("cpca")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (administrative divisions data) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _aliases(name: str, suffixes: tuple[str, ...]) -> set[str]:
    names = {name}
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            names.add(name[: -len(suffix)])
            break
    return names


class _Divisions:
    def __init__(self) -> None:
        self.provinces: dict[str, Division] = {}
        self.cities: dict[str, Division] = {}  # 4-digit prefix (or 6-digit for direct counties)
        self.children: dict[str, dict[str, Division]] = {}  # parent code -> alias -> child
        self.province_alias: dict[str, Division] = {}
        self.city_alias: dict[str, list[Division]] = {}
        self.city_has_districts: set[str] = set()
        rows: list[Division] = []
        with adcodes_path().open(encoding="utf-8") as fh:
            for record in csv.DictReader(fh):
                rows.append(Division(record["adcode"][:6], record["name"]))
        for d in rows:
            if d.code.endswith("0000"):
                self.provinces[d.code[:2]] = d
                for alias in _aliases(d.name, _PROVINCE_SUFFIXES):
                    self.province_alias[alias] = d
        city_codes = {d.code for d in rows if d.code[4:] == "00" and not d.code.endswith("0000")}
        names = {d.code: d.name for d in rows}
        real_city = {c for c in city_codes if names[c] not in _PLACEHOLDERS}
        for d in rows:
            if d.code.endswith("0000") or d.name in _PLACEHOLDERS:
                continue
            prov = d.code[:2] + "0000"
            if d.code[4:] == "00":  # a city
                self._add_city(prov, d)
            elif d.code[:4] + "00" in real_city and d.code[:2] not in _MUNICIPALITIES:
                self._add_child(d.code[:4] + "00", d, _DISTRICT_SUFFIXES)
                self.city_has_districts.add(d.code[:4] + "00")
            elif d.code[:2] in _MUNICIPALITIES:
                self._add_child(prov, d, _DISTRICT_SUFFIXES)
            else:  # a county-level city or county directly under the province (仙桃市, 五指山市)
                self._add_city(prov, d)
        for code in _MUNICIPALITIES:
            self.city_has_districts.add(code + "0000")
        for city_code, zones in _FUNCTIONAL_DISTRICTS.items():
            siblings = self.children.get(city_code)
            if siblings is None:  # an older table without this city: nothing to attach to
                continue
            for code, name, aliases in zones:
                zone = Division(code, name)
                for alias in (name, *aliases):
                    siblings.setdefault(alias, zone)  # a real district of the same name wins

    def _add_city(self, prov: str, d: Division) -> None:
        for alias in _aliases(d.name, _CITY_SUFFIXES):
            self.children.setdefault(prov, {})[alias] = d
            self.city_alias.setdefault(alias, []).append(d)

    def _add_child(self, parent: str, d: Division, suffixes: tuple[str, ...]) -> None:
        siblings = self.children.setdefault(parent, {})
        for alias in _aliases(d.name, suffixes):
            if alias != d.name and alias in siblings:
                continue  # a short form shared by two siblings is ambiguous: keep only full names
            siblings[alias] = d


@cache
def _divisions() -> _Divisions:
    return _Divisions()


def _longest(text: str, table: dict[str, Division]) -> tuple[Division, int] | None:
    for size in range(min(len(text), 12), 1, -1):
        found = table.get(text[:size])
        if found is not None:
            return found, size
    return None


@lru_cache(maxsize=200_000)
def resolve_address(text: str) -> ResolvedAddress | None:
    """Resolve "广东省深圳市南山区科技园…" (or "上海 上海市 浦东新区 …") to province/city/district.

    None when no province and city can be found, or when the city has districts and none is named.
    """
    data = _divisions()
    s = _SEPARATORS.sub("", text or "")
    province: Division | None = None
    city: Division | None = None
    district: Division | None = None
    hit = _longest(s, data.province_alias)  # type: ignore[arg-type]
    if hit:
        province, size = hit
        s = s[size:]
    if province is None:  # no province named: a city name unique in the country
        for size in range(min(len(s), 12), 1, -1):
            candidates = data.city_alias.get(s[:size])
            if candidates and len(candidates) == 1:
                city = candidates[0]
                province = data.provinces[city.code[:2]]
                s = s[size:]
                break
        if province is None:
            return None
    if province.code[:2] in _MUNICIPALITIES:
        city = Division(province.code, province.name)
        again = _longest(s, {a: province for a in _aliases(province.name, _PROVINCE_SUFFIXES)} | {"市辖区": province})
        if again:
            s = s[again[1] :]
        hit = _longest(s, data.children.get(province.code, {}))
        if hit:
            district, size = hit
            s = s[size:]
    else:
        if city is None:
            hit = _longest(s, data.children.get(province.code, {}))
            if hit:
                city, size = hit
                s = s[size:]
        if city is None:
            return None
        hit = _longest(s, data.children.get(city.code, {}))
        if hit:
            district, size = hit
            s = s[size:]
    if district is None and city.code in data.city_has_districts:
        return None
    return ResolvedAddress(
        province=province.name,
        city=city.name,
        district=district.name if district else "",
        adcode=(district or city).code,
        rest=s,
    )


def provinces() -> list[str]:
    return sorted((d.name for d in _divisions().provinces.values()), key=lambda n: n)


def cities_of(province: str) -> list[str]:
    data = _divisions()
    hit = data.province_alias.get(province)
    if hit is None:
        return []
    if hit.code[:2] in _MUNICIPALITIES:
        return [hit.name]
    return sorted({d.name for d in data.children.get(hit.code, {}).values()})


def districts_of(province: str, city: str) -> list[str]:
    data = _divisions()
    prov = data.province_alias.get(province)
    if prov is None:
        return []
    if prov.code[:2] in _MUNICIPALITIES:
        return sorted({d.name for d in data.children.get(prov.code, {}).values()})
    city_div = data.children.get(prov.code, {}).get(city)
    if city_div is None:
        return []
    return sorted({d.name for d in data.children.get(city_div.code, {}).values()})


# --- numeric ranges of database columns --------------------------------------------------------

# Money columns are DecimalField(max_digits=14, decimal_places=2) throughout; quantities are
# IntegerField, a 32-bit integer on PostgreSQL. SQLite stores more than either without complaint
# and then fails to read it back, so range is checked before writing, on both databases.
MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
INT_MAX = 2**31 - 1


def largest_decimal(max_digits: int = MONEY_MAX_DIGITS, decimal_places: int = MONEY_DECIMAL_PLACES) -> Decimal:
    """The largest value a DecimalField(max_digits, decimal_places) holds: 999999999999.99 for (14, 2)."""
    return Decimal((0, (9,) * max_digits, -decimal_places))


def decimal_fits(
    value: Decimal, max_digits: int = MONEY_MAX_DIGITS, decimal_places: int = MONEY_DECIMAL_PLACES
) -> bool:
    """A finite value whose magnitude, rounded to the column's places, fits the column."""
    if not value.is_finite():
        return False
    return abs(value) <= largest_decimal(max_digits, decimal_places)


def int_fits(value: int, low: int = -INT_MAX - 1, high: int = INT_MAX) -> bool:
    return low <= value <= high
