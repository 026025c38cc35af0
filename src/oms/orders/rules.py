"""Pure decisions of order intake: normalising, checking and classifying an order.

Plain values in, plain values out; no database. orders.intake gathers the facts (SKU mappings,
the channel, duplicates held) and applies the results.
"""

from __future__ import annotations

import hashlib
import operator as operator_module
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oms.core import validators

ZERO = Decimal("0")
CENT = Decimal("0.01")

# code -> message; %(name)s placeholders are filled from the problem's params.
MESSAGES: dict[str, Any] = {
    "name_missing": _("The customer's name is missing."),
    "name_invalid": _("The customer's name “%(value)s” is not a valid name."),
    "phone_missing": _("The phone number is missing."),
    "phone_invalid": _("The phone number “%(value)s” is not a valid mobile or landline number."),
    "address_unresolved": _("The address “%(value)s” cannot be resolved to a province, city and district."),
    "id_card_missing": _("The ID card number is missing (required for this shop)."),
    "id_card_format": _("The ID card number must have 18 characters: 17 digits and a digit or X."),
    "id_card_birth_date": _("The ID card number contains an impossible birth date."),
    "id_card_check_digit": _("The ID card number has a wrong check digit (GB 11643)."),
    "no_lines": _("The order has no lines."),
    "sku_missing": _("Line %(line)s has no SKU."),
    "sku_unmapped": _("Line %(line)s: the SKU “%(sku)s” is unknown and has no mapping for this channel."),
    "quantity_not_positive": _("Line %(line)s: the quantity must be at least 1 (got %(quantity)s)."),
    "quantity_out_of_range": _(
        "Line %(line)s: the quantity %(quantity)s is more than can be stored (at most %(max)s)."
    ),
    "line_amount_out_of_range": _(
        "Line %(line)s: the %(field)s %(value)s is more than can be stored (at most %(max)s); it was stored as 0."
    ),
    "amount_out_of_range": _(
        "The %(field)s %(value)s is more than can be stored (at most %(max)s); it was stored as 0."
    ),
    "line_total_mismatch": _("Line %(line)s: quantity × unit price is %(expected)s but the line total is %(actual)s."),
    "goods_total_mismatch": _("The line totals add up to %(expected)s but the goods amount is %(actual)s."),
    "order_total_mismatch": _("Goods + shipping − discount is %(expected)s but the order total is %(actual)s."),
    "order_total_mismatch_tax": _(
        "Goods + shipping − discount + tax (%(tax)s) is %(expected)s but the order total is %(actual)s."
    ),
    "paid_mismatch": _("The paid amount %(actual)s differs from the order total %(expected)s."),
    "duplicate_external_number": _("Another order of this channel has the same external number (%(other)s)."),
    "duplicate_content": _("Order %(other)s has the same phone, address and items and arrived shortly before."),
}

# Codes by check, for the detail page's list of checks that ran.
CHECKS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("name", _("Customer name"), ("name_missing", "name_invalid")),
    ("phone", _("Phone number"), ("phone_missing", "phone_invalid")),
    ("address", _("Address"), ("address_unresolved",)),
    ("id_card", _("ID card"), ("id_card_missing", "id_card_format", "id_card_birth_date", "id_card_check_digit")),
    ("skus", _("SKUs"), ("no_lines", "sku_missing", "sku_unmapped")),
    ("quantities", _("Quantities"), ("quantity_not_positive",)),
    (
        "ranges",
        _("Amounts and quantities within limits"),
        ("quantity_out_of_range", "line_amount_out_of_range", "amount_out_of_range"),
    ),
    (
        "amounts",
        _("Amounts add up"),
        (
            "line_total_mismatch",
            "goods_total_mismatch",
            "order_total_mismatch",
            "order_total_mismatch_tax",
        ),
    ),
    ("paid", _("Paid amount"), ("paid_mismatch",)),
    ("duplicate", _("Not a duplicate"), ("duplicate_external_number", "duplicate_content")),
]


@dataclass(frozen=True)
class Problem:
    code: str
    field: str = ""
    params: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def message(self) -> str:
        return message_for(self.code, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "params": self.params}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(data.get("code", ""), data.get("field", ""), dict(data.get("params") or {}))


# The amounts a range problem may name: the code is stored, the words are rendered when shown.
AMOUNT_LABELS: dict[str, Any] = {
    "unit_price": _("unit price"),
    "line_total": _("line total"),
    "goods_amount": _("goods amount"),
    "shipping_amount": _("shipping fee"),
    "discount_amount": _("discount"),
    "tax_amount": _("tax"),
    "total_amount": _("order total"),
    "paid_amount": _("paid amount"),
}


def message_for(code: str, params: dict[str, Any] | None = None) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    if params and params.get("field") in AMOUNT_LABELS:
        params = {**params, "field": AMOUNT_LABELS[params["field"]]}
    try:
        return str(template) % (params or {})
    except (KeyError, TypeError, ValueError):
        return str(template)


def check_results(problems: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per check for display: label, passed, the messages of its problems."""
    found = [Problem.from_dict(p) for p in problems]
    rows = []
    for code, label, codes in CHECKS:
        mine = [p for p in found if p.code in codes]
        rows.append({"code": code, "label": label, "passed": not mine, "messages": [p.message for p in mine]})
    return rows


# --- the order as intake sees it --------------------------------------------------------------


@dataclass
class DraftLine:
    platform_sku: str
    name: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    sku: str = ""  # our SKU after mapping ("" when unmapped)
    product_id: int | None = None
    spec: str = ""
    external_line_id: str = ""


@dataclass
class Draft:
    customer_name: str = ""
    customer_phone: str = ""
    customer_id_card: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    address_detail: str = ""
    address_raw: str = ""
    address_resolved: bool = False
    order_type: str = "normal"
    payment_method: str = ""
    tags: list[str] = dc_field(default_factory=list)
    lines: list[DraftLine] = dc_field(default_factory=list)
    goods_amount: Decimal = ZERO
    shipping_amount: Decimal = ZERO
    discount_amount: Decimal = ZERO
    total_amount: Decimal = ZERO
    paid_amount: Decimal = ZERO
    tax_amount: Decimal = ZERO
    taxes_included: bool = True  # False: the tax comes on top of goods + shipping − discount
    goods_given: bool = True  # False when the platform sent no goods amount (we computed it)
    total_given: bool = True


def money(value: Any) -> Decimal:
    """A platform's amount in cents; unreadable or not finite is 0. A value too long to round is
    kept as it is: check_ranges reports it and it is never stored."""
    if value is None or value == "":
        return ZERO
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return ZERO
    return cents(amount) if amount.is_finite() else ZERO


def cents(amount: Decimal) -> Decimal:
    """Rounded to cents, or unchanged when it has more digits than decimal arithmetic holds (far
    beyond every column; the range check reports it)."""
    try:
        return amount.quantize(CENT)
    except InvalidOperation:
        return amount


def stored_amount(amount: Decimal) -> Decimal:
    """What a money column can hold of this amount: itself, or 0 beyond the column's digits (the
    order is invalid then, and its problem says what was received)."""
    return amount if validators.decimal_fits(amount) else ZERO


def stored_quantity(quantity: int) -> int:
    return quantity if validators.int_fits(quantity) else 0


def normalise_name(name: str) -> str:
    return " ".join((name or "").split())


def normalise_phone(raw: str) -> str:
    """The national form of a valid number (13812348000, 01088886666); else the input, trimmed."""
    parsed = validators.parse_phone(raw or "")
    return parsed.national if parsed else (raw or "").strip()


def resolve_address(
    province: str, city: str, district: str, detail: str, raw: str
) -> tuple[validators.ResolvedAddress | None, str]:
    """Resolve the structured parts if given, else the raw one-line text. Returns (resolved, detail)."""
    structured = f"{province}{city}{district}".strip()
    if structured:
        found = validators.resolve_address(structured)
        if found is not None:
            return found, (detail or found.rest).strip()
    text = raw or f"{structured}{detail}"
    if text:
        found = validators.resolve_address(text)
        if found is not None:
            rest = found.rest
            return found, (detail or rest).strip()
    return None, detail


# --- the checks -------------------------------------------------------------------------------


def check_name(d: Draft) -> list[Problem]:
    if not d.customer_name:
        return [Problem("name_missing", "customer_name")]
    if not validators.is_valid_name(d.customer_name):
        return [Problem("name_invalid", "customer_name", {"value": d.customer_name})]
    return []


def check_phone(d: Draft) -> list[Problem]:
    if not d.customer_phone:
        return [Problem("phone_missing", "customer_phone")]
    if validators.parse_phone(d.customer_phone) is None:
        return [Problem("phone_invalid", "customer_phone", {"value": d.customer_phone})]
    return []


def check_address(d: Draft) -> list[Problem]:
    if d.address_resolved:
        return []
    shown = d.address_raw or " ".join(x for x in (d.province, d.city, d.district, d.address_detail) if x)
    return [Problem("address_unresolved", "address", {"value": shown})]


def check_id_card(d: Draft, required: bool = False) -> list[Problem]:
    if not d.customer_id_card:
        return [Problem("id_card_missing", "customer_id_card")] if required else []
    problem = validators.id_card_problem(d.customer_id_card)
    return [Problem(f"id_card_{problem}", "customer_id_card")] if problem else []


def check_lines(d: Draft) -> list[Problem]:
    if not d.lines:
        return [Problem("no_lines", "lines")]
    found: list[Problem] = []
    for n, line in enumerate(d.lines, start=1):
        if not line.platform_sku and not line.sku:
            found.append(Problem("sku_missing", f"lines.{n}", {"line": n}))
        elif line.product_id is None:
            found.append(Problem("sku_unmapped", f"lines.{n}", {"line": n, "sku": line.platform_sku or line.sku}))
        if line.quantity <= 0:
            found.append(Problem("quantity_not_positive", f"lines.{n}", {"line": n, "quantity": line.quantity}))
    return found


def check_amounts(d: Draft, tolerance: Decimal = CENT) -> list[Problem]:
    found: list[Problem] = []
    for n, line in enumerate(d.lines, start=1):
        expected = cents(line.unit_price * line.quantity)
        if abs(expected - line.line_total) > tolerance:
            found.append(
                Problem(
                    "line_total_mismatch",
                    f"lines.{n}",
                    {"line": n, "expected": str(expected), "actual": str(line.line_total)},
                )
            )
    lines_sum = sum((line.line_total for line in d.lines), ZERO)
    if abs(lines_sum - d.goods_amount) > tolerance:
        found.append(
            Problem("goods_total_mismatch", "goods_amount", {"expected": str(lines_sum), "actual": str(d.goods_amount)})
        )
    expected_total = d.goods_amount + d.shipping_amount - d.discount_amount
    tax_on_top = d.tax_amount if not d.taxes_included else ZERO
    expected_total += tax_on_top
    if abs(expected_total - d.total_amount) > tolerance:
        if tax_on_top:
            found.append(
                Problem(
                    "order_total_mismatch_tax",
                    "total_amount",
                    {"expected": str(expected_total), "actual": str(d.total_amount), "tax": str(d.tax_amount)},
                )
            )
        else:
            found.append(
                Problem(
                    "order_total_mismatch",
                    "total_amount",
                    {"expected": str(expected_total), "actual": str(d.total_amount)},
                )
            )
    return found


ORDER_AMOUNTS = ("goods_amount", "shipping_amount", "discount_amount", "tax_amount", "total_amount", "paid_amount")


def check_ranges(d: Draft) -> list[Problem]:
    """Every amount and quantity within its column: a value beyond them is never stored (SQLite
    would take it and then fail to read it back; PostgreSQL refuses the whole order)."""
    found: list[Problem] = []
    largest = str(validators.largest_decimal())
    for n, line in enumerate(d.lines, start=1):
        if not validators.int_fits(line.quantity):
            found.append(
                Problem(
                    "quantity_out_of_range",
                    f"lines.{n}",
                    {"line": n, "quantity": line.quantity, "max": validators.INT_MAX},
                )
            )
        for name in ("unit_price", "line_total"):
            value = getattr(line, name)
            if not validators.decimal_fits(value):
                found.append(
                    Problem(
                        "line_amount_out_of_range",
                        f"lines.{n}",
                        {"line": n, "field": name, "value": str(value), "max": largest},
                    )
                )
    for name in ORDER_AMOUNTS:
        value = getattr(d, name)
        if not validators.decimal_fits(value):
            found.append(Problem("amount_out_of_range", name, {"field": name, "value": str(value), "max": largest}))
    return found


def is_cash_on_delivery(d: Draft) -> bool:
    return d.order_type == "cod" or d.payment_method.strip().lower() in {"cod", "cash_on_delivery", "货到付款"}


def check_paid(d: Draft, tolerance: Decimal = CENT) -> list[Problem]:
    if is_cash_on_delivery(d):
        return []
    if abs(d.paid_amount - d.total_amount) > tolerance:
        return [
            Problem("paid_mismatch", "paid_amount", {"expected": str(d.total_amount), "actual": str(d.paid_amount)})
        ]
    return []


def check_all(d: Draft, *, tolerance: Decimal = CENT, require_id_card: bool = False) -> list[Problem]:
    """Every check that needs nothing but the order itself (duplicates are checked by intake)."""
    return [
        *check_name(d),
        *check_phone(d),
        *check_address(d),
        *check_id_card(d, required=require_id_card),
        *check_lines(d),
        *check_ranges(d),
        *check_amounts(d, tolerance),
        *check_paid(d, tolerance),
    ]


def content_signature(phone: str, province: str, city: str, district: str, detail: str, items: Sequence) -> str:
    """A fingerprint of who, where and what: two orders with the same one are likely duplicates."""
    parts = [phone, province, city, district, "".join(detail.split())]
    parts += sorted(f"{sku}x{qty}" for sku, qty in items)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


# --- classification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSpec:
    field: str  # amount | channel | platform | order_type | tag | province
    operator: str  # eq ne lt lte gt gte in contains between
    value: str
    label: str


_ORDERING = {
    "eq": operator_module.eq,
    "ne": operator_module.ne,
    "lt": operator_module.lt,
    "lte": operator_module.le,
    "gt": operator_module.gt,
    "gte": operator_module.ge,
}


@lru_cache(maxsize=1024)
def _test(operator: str, value: str) -> Callable[[Any], bool]:
    """`actual operator value` as a function of actual, with the value parsed once (classification
    runs for every order of a million-order import)."""
    if operator == "in":
        options = frozenset(v.strip() for v in value.split(",") if v.strip())
        return lambda actual: str(actual) in options
    if operator == "contains":
        return lambda actual: value in str(actual)
    if operator == "between":  # "low,high": low <= actual < high
        try:
            low, high = (Decimal(v.strip()) for v in value.split(",", 1))
        except (InvalidOperation, ValueError):
            return lambda actual: False

        def between(actual: Any) -> bool:
            try:
                amount = actual if isinstance(actual, Decimal) else Decimal(str(actual))
                return bool(low <= amount < high)
            except (ArithmeticError, ValueError):
                return False

        return between
    compare = _ORDERING.get(operator)
    if compare is None:
        return lambda actual: False
    try:
        number: Decimal | None = Decimal(value)
    except InvalidOperation:
        number = None

    def test(actual: Any) -> bool:
        if isinstance(actual, Decimal):
            if number is None:
                return False
            expected: Any = number
        else:
            expected = value
        try:
            return bool(compare(actual, expected))
        except (TypeError, ArithmeticError):
            return False

    return test


def _compare(actual: Any, operator: str, value: str) -> bool:
    return _test(operator, value)(actual)


def rule_matches(rule: RuleSpec, facts: dict[str, Any]) -> bool:
    if rule.field == "tag":
        tags = facts.get("tags") or []
        if rule.operator in ("ne",):
            return rule.value not in tags
        test = _test(rule.operator, rule.value)
        return any(test(t) for t in tags)
    if rule.field not in facts:
        return False
    return _test(rule.operator, rule.value)(facts[rule.field])


def classify(rules: Iterable[RuleSpec], facts: dict[str, Any]) -> list[str]:
    """The labels of every matching rule, in rule order, without repeats. `{channel}` style
    placeholders in a label are filled from the facts (a rule "source by channel")."""
    labels: list[str] = []
    for rule in rules:
        if rule_matches(rule, facts):
            label = rule.label
            if "{" in label:
                label = label.format(**{k: v for k, v in facts.items() if isinstance(v, str)})
            if label and label not in labels:
                labels.append(label)
    return labels


DEFAULT_RULES: list[dict[str, Any]] = [
    {"name": "Small orders", "field": "amount", "operator": "lt", "value": "100", "label": "small"},
    {"name": "Medium orders", "field": "amount", "operator": "between", "value": "100,1000", "label": "medium"},
    {"name": "Large orders", "field": "amount", "operator": "gte", "value": "1000", "label": "large"},
    {"name": "Source: Tmall/Taobao", "field": "platform", "operator": "eq", "value": "taobao", "label": "src-taobao"},
    {"name": "Source: JD", "field": "platform", "operator": "eq", "value": "jd", "label": "src-jd"},
    {"name": "Source: Shopify", "field": "platform", "operator": "eq", "value": "shopify", "label": "src-shopify"},
    {
        "name": "Source: WooCommerce",
        "field": "platform",
        "operator": "eq",
        "value": "woocommerce",
        "label": "src-woocommerce",
    },
    {
        "name": "Source: manual/API/file",
        "field": "platform",
        "operator": "in",
        "value": "manual,api,file",
        "label": "src-direct",
    },
    {"name": "Pre-sale", "field": "order_type", "operator": "eq", "value": "presale", "label": "presale"},
    {"name": "Urgent", "field": "order_type", "operator": "eq", "value": "urgent", "label": "urgent"},
    {"name": "Cash on delivery", "field": "order_type", "operator": "eq", "value": "cod", "label": "cod"},
    {"name": "VIP tag", "field": "tag", "operator": "eq", "value": "vip", "label": "vip"},
]

# The seeded rules' names and classes in words. A seeded rule keeps its English name in the database;
# it is shown in the reader's language while an administrator has not renamed it.
DEFAULT_RULE_NAMES: dict[str, Any] = {
    "Small orders": _("Small orders"),
    "Medium orders": _("Medium orders"),
    "Large orders": _("Large orders"),
    "Source: Tmall/Taobao": _("Source: Tmall/Taobao"),
    "Source: JD": _("Source: JD"),
    "Source: Shopify": _("Source: Shopify"),
    "Source: WooCommerce": _("Source: WooCommerce"),
    "Source: manual/API/file": _("Source: manual/API/file"),
    "Pre-sale": _("Pre-sale"),
    "Urgent": _("Urgent"),
    "Cash on delivery": _("Cash on delivery"),
    "VIP tag": _("VIP tag"),
}
CLASS_WORDS: dict[str, Any] = {
    "small": _("Small order"),
    "medium": _("Medium order"),
    "large": _("Large order"),
    "src-taobao": _("From Tmall/Taobao"),
    "src-jd": _("From JD"),
    "src-shopify": _("From Shopify"),
    "src-woocommerce": _("From WooCommerce"),
    "src-direct": _("Entered directly (manual, API or file)"),
    "presale": _("Pre-sale"),
    "urgent": _("Urgent"),
    "cod": _("Cash on delivery"),
    "vip": pgettext_lazy("order class", "VIP"),
}


def rule_name(name: str) -> str:
    """A classification rule's name as shown: the seeded ones translated, the others as typed."""
    word = DEFAULT_RULE_NAMES.get(name)
    return str(word) if word is not None else name


def class_label(code: str, names: dict[str, str] | None = None) -> str:
    """A class as words: a built-in class translated, another by the name of the rule that gives it
    (`names`: class -> rule name), else the class as the administrator wrote it."""
    word = CLASS_WORDS.get(code)
    if word is not None:
        return str(word)
    if names and code in names:
        return rule_name(names[code])
    return code
