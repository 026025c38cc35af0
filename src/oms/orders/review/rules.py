"""Automatic review rules: pure decisions over plain values (no database).

Each rule in the database names a `kind` (one of KINDS below), its parameters and its outcome.
`evaluate` runs every enabled rule over an order's facts and says, per rule, whether it fired and
why; `decide` turns the findings into the order's next step (the strongest outcome that fired).
`oms.orders.review.actions.auto_review` gathers the facts (blacklist hits, similar orders, the
customer's earlier orders) and applies the decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

ZERO = Decimal("0")
CENT = Decimal("0.01")

PASS = "pass"
MANUAL = "manual"
FINANCE = "finance"
HOLD = "hold"
REJECT = "reject"
OUTCOMES: list[tuple[str, Any]] = [
    (PASS, _("Pass")),
    (MANUAL, _("Manual review")),
    (FINANCE, _("Finance review")),
    (HOLD, _("Hold")),
    (REJECT, _("Reject")),
]
# Strength of each outcome: the strongest one that fired decides where the order goes.
STRENGTH = {PASS: 0, MANUAL: 1, FINANCE: 2, HOLD: 3, REJECT: 4}

# kind -> (label, parameters with their defaults)
KINDS: dict[str, tuple[Any, dict[str, Any]]] = {
    "amount_above": (_("Order total above a threshold"), {"threshold": "5000"}),
    "notes_present": (_("Buyer or seller note present"), {}),
    "blacklisted": (_("Customer, phone or address on the blacklist"), {}),
    "address_quality": (_("Address incomplete, unresolvable or with special characters"), {}),
    "price_below_list": (_("Line price below a share of the list price"), {"percent": "50"}),
    "payment_mismatch": (_("Unpaid, or paid amount differs from the total (not cash on delivery)"), {}),
    "likely_duplicate": (_("Same phone, address and items as another recent order"), {"hours": "24"}),
    "contact_invalid": (_("Invalid phone or ID card number"), {}),
    "new_customer_amount": (_("First order of a new customer above an amount"), {"threshold": "1000"}),
}

# The parameters' names as words (the keys are what an administrator types in the JSON).
PARAM_LABELS: dict[str, Any] = {
    "threshold": _("Amount threshold"),
    "percent": _("Share of the list price (%)"),
    "hours": _("Within hours"),
}


def param_label(key: str) -> str:
    word = PARAM_LABELS.get(key)
    return str(word) if word is not None else key


# The built-in rule set seeded by the data migration (descriptions are msgids, shown translated).
BUILTIN: list[dict[str, Any]] = [
    {
        "code": "amount_finance",
        "kind": "amount_above",
        "params": {"threshold": "5000"},
        "outcome": FINANCE,
        "description": gettext_noop("Orders above 5000 need a finance review."),
    },
    {
        "code": "amount_manual",
        "kind": "amount_above",
        "params": {"threshold": "2000"},
        "outcome": MANUAL,
        "description": gettext_noop("Orders above 2000 are reviewed by a person."),
    },
    {
        "code": "notes",
        "kind": "notes_present",
        "params": {},
        "outcome": MANUAL,
        "description": gettext_noop("A buyer or seller note is read by a person."),
    },
    {
        "code": "blacklist",
        "kind": "blacklisted",
        "params": {},
        "outcome": HOLD,
        "description": gettext_noop("Orders of blacklisted customers, phones or addresses are held."),
    },
    {
        "code": "address",
        "kind": "address_quality",
        "params": {},
        "outcome": MANUAL,
        "description": gettext_noop(
            "Incomplete or unresolvable addresses, or special characters, are checked by a person."
        ),
    },
    {
        "code": "low_price",
        "kind": "price_below_list",
        "params": {"percent": "50"},
        "outcome": MANUAL,
        "description": gettext_noop("A line sold below 50% of its list price is checked by a person."),
    },
    {
        "code": "payment",
        "kind": "payment_mismatch",
        "params": {},
        "outcome": HOLD,
        "description": gettext_noop("Unpaid orders, or paid amounts different from the total, are held (not COD)."),
    },
    {
        "code": "duplicate",
        "kind": "likely_duplicate",
        "params": {"hours": "24"},
        "outcome": MANUAL,
        "description": gettext_noop("A likely duplicate (same phone, address and items within 24 hours) is checked."),
    },
    {
        "code": "contact",
        "kind": "contact_invalid",
        "params": {},
        "outcome": MANUAL,
        "description": gettext_noop("Invalid phone or ID card numbers are checked by a person."),
    },
    {
        "code": "new_customer",
        "kind": "new_customer_amount",
        "params": {"threshold": "1000"},
        "outcome": MANUAL,
        "description": gettext_noop("A new customer's first order above 1000 is checked by a person."),
    },
]

MESSAGES: dict[str, Any] = {
    "amount_above": _("The total %(total)s is above %(threshold)s."),
    "notes_present": _("The order carries a note: “%(note)s”."),
    "blacklisted": _("On the blacklist: %(hits)s."),
    "address_incomplete": _("The address is incomplete (%(missing)s missing)."),
    "address_unresolved": _("The address cannot be resolved to a province, city and district."),
    "address_special": _("The address or name contains special characters: %(chars)s."),
    "price_below_list": _("Line %(line)s (%(sku)s) costs %(price)s, below %(percent)s%% of the list price %(list)s."),
    "unpaid": _("The order is not paid (payment status: %(status)s)."),
    "paid_mismatch": _("Paid %(paid)s differs from the total %(total)s."),
    "likely_duplicate": _("Order %(other)s has the same phone, address and items (%(hours)s hours apart)."),
    "phone_invalid": _("The phone number “%(phone)s” is not valid."),
    "id_card_invalid": _("The ID card number is not valid (%(problem)s)."),
    "new_customer_amount": _("First order of this customer, total %(total)s above %(threshold)s."),
}


def message(code: str, params: dict[str, Any]) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


@dataclass(frozen=True)
class LineFacts:
    line_no: int
    sku: str
    quantity: int
    unit_price: Decimal
    list_price: Decimal | None = None


@dataclass
class OrderFacts:
    total: Decimal = ZERO
    paid: Decimal = ZERO
    payment_status: str = "paid"
    cod: bool = False
    buyer_note: str = ""
    seller_note: str = ""
    customer_name: str = ""
    phone: str = ""
    phone_valid: bool = True
    id_card: str = ""
    id_card_problem: str | None = None
    province: str = ""
    city: str = ""
    district: str = ""
    address_detail: str = ""
    address_resolved: bool = True
    lines: list[LineFacts] = field(default_factory=list)
    blacklist_hits: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)
    similar_orders: list[tuple[str, float]] = field(default_factory=list)  # (number, hours apart)
    previous_orders: int = 0
    tolerance: Decimal = CENT


@dataclass(frozen=True)
class RuleSpec:
    code: str
    kind: str
    outcome: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Finding:
    code: str
    kind: str
    outcome: str
    fired: bool
    reasons: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [message(c, p) for c, p in self.reasons]

    @property
    def label(self) -> str:
        """What the rule checks, in words (its code is the administrator's identifier, not a word)."""
        kind = KINDS.get(self.kind)
        return str(kind[0]) if kind else self.code

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "outcome": self.outcome,
            "fired": self.fired,
            "reasons": [{"code": c, "params": p} for c, p in self.reasons],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            data.get("code", ""),
            data.get("kind", ""),
            data.get("outcome", PASS),
            bool(data.get("fired")),
            [(r.get("code", ""), dict(r.get("params") or {})) for r in data.get("reasons", [])],
        )


def _decimal(value: Any, default: str) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else default))
    except InvalidOperation:
        return Decimal(default)


# Symbols that do not belong in a name or a postal address (and emoji / pictographs).
_SPECIAL = re.compile(r"[<>{}\[\]|\\^~$@*!?=;`\"'%&+]|[\U0001F000-\U0001FAFF\u2600-\u27BF]")


def _amount_above(spec: RuleSpec, f: OrderFacts) -> list[tuple[str, dict[str, Any]]]:
    threshold = _decimal(spec.params.get("threshold"), "5000")
    if f.total > threshold:
        return [("amount_above", {"total": str(f.total), "threshold": str(threshold)})]
    return []


def _notes_present(spec: RuleSpec, f: OrderFacts) -> list[tuple[str, dict[str, Any]]]:
    note = " / ".join(n.strip() for n in (f.buyer_note, f.seller_note) if n and n.strip())
    return [("notes_present", {"note": note[:200]})] if note else []


def _blacklisted(spec: RuleSpec, f: OrderFacts) -> list[tuple[str, dict[str, Any]]]:
    if not f.blacklist_hits:
        return []
    return [("blacklisted", {"hits": ", ".join(f"{k}: {v}" for k, v in f.blacklist_hits)})]


def _address_quality(spec: RuleSpec, f: OrderFacts) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    missing = [
        name
        for name, value in (("province", f.province), ("city", f.city), ("street", f.address_detail))
        if not (value or "").strip()
    ]
    if missing:
        found.append(("address_incomplete", {"missing": ", ".join(missing)}))
    elif not f.address_resolved:
        found.append(("address_unresolved", {}))
    chars = sorted(set(_SPECIAL.findall(f"{f.customer_name}{f.province}{f.city}{f.district}{f.address_detail}")))
    if chars:
        found.append(("address_special", {"chars": " ".join(chars)}))
    return found


def _price_below_list(spec: RuleSpec, f: OrderFacts) -> list[tuple[str, dict[str, Any]]]:
    percent = _decimal(spec.params.get("percent"), "50")
    found = []
    for ln in f.lines:
        if ln.list_price is None or ln.list_price <= 0:
            continue
        floor = (ln.list_price * percent / 100).quantize(CENT)
        if ln.unit_price < floor:
            found.append(
                (
                    "price_below_list",
                    {
                        "line": ln.line_no,
                        "sku": ln.sku,
                        "price": str(ln.unit_price),
                        "percent": str(percent),
                        "list": str(ln.list_price),
                    },
                )
            )
    return found


def _payment_mismatch(spec: RuleSpec, f: OrderFacts) -> list[tuple[str, dict[str, Any]]]:
    if f.cod:
        return []
    if f.payment_status not in ("paid",):
        return [("unpaid", {"status": f.payment_status})]
    if abs(f.paid - f.total) > f.tolerance:
        return [("paid_mismatch", {"paid": str(f.paid), "total": str(f.total)})]
    return []


def _likely_duplicate(spec: RuleSpec, f: OrderFacts) -> list[tuple[str, dict[str, Any]]]:
    hours = float(_decimal(spec.params.get("hours"), "24"))
    for number, apart in sorted(f.similar_orders, key=lambda x: x[1]):
        if apart <= hours:
            return [("likely_duplicate", {"other": number, "hours": f"{apart:.1f}"})]
    return []


def _contact_invalid(spec: RuleSpec, f: OrderFacts) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if not f.phone_valid:
        found.append(("phone_invalid", {"phone": f.phone}))
    if f.id_card and f.id_card_problem:
        found.append(("id_card_invalid", {"problem": f.id_card_problem}))
    return found


def _new_customer_amount(spec: RuleSpec, f: OrderFacts) -> list[tuple[str, dict[str, Any]]]:
    threshold = _decimal(spec.params.get("threshold"), "1000")
    if f.previous_orders == 0 and f.total > threshold:
        return [("new_customer_amount", {"total": str(f.total), "threshold": str(threshold)})]
    return []


CHECKS = {
    "amount_above": _amount_above,
    "notes_present": _notes_present,
    "blacklisted": _blacklisted,
    "address_quality": _address_quality,
    "price_below_list": _price_below_list,
    "payment_mismatch": _payment_mismatch,
    "likely_duplicate": _likely_duplicate,
    "contact_invalid": _contact_invalid,
    "new_customer_amount": _new_customer_amount,
}


def evaluate(specs: list[RuleSpec], facts: OrderFacts) -> list[Finding]:
    """One finding per rule, in the given order (rules of an unknown kind are skipped)."""
    findings = []
    for spec in specs:
        check = CHECKS.get(spec.kind)
        if check is None:
            continue
        reasons = check(spec, facts)
        findings.append(Finding(spec.code, spec.kind, spec.outcome, bool(reasons), reasons))
    return findings


def decide(findings: list[Finding]) -> str:
    """The strongest outcome among the rules that fired; PASS when none did."""
    best = PASS
    for f in findings:
        if f.fired and STRENGTH.get(f.outcome, 0) > STRENGTH[best]:
            best = f.outcome
    return best


def needs_finance(findings: list[Finding]) -> bool:
    return any(f.fired and f.outcome == FINANCE for f in findings)


def _squash(text: str) -> str:
    return "".join((text or "").split()).lower()


def blacklist_hits(
    entries: list[tuple[str, str]], *, name: str, phone: str, address: str, phone_normal: str = ""
) -> list[tuple[str, str]]:
    """Blacklist entries (kind, value) matching the order: a name or phone exactly (phones in their
    national form), an address when the order's address contains the entry's text (spaces ignored)."""
    hits = []
    squashed = _squash(address)
    for kind, value in entries:
        if not value:
            continue
        if (
            kind == "name"
            and _squash(value) == _squash(name)
            or kind == "phone"
            and value.strip() in {phone.strip(), phone_normal}
            or kind == "address"
            and _squash(value)
            and _squash(value) in squashed
        ):
            hits.append((kind, value))
    return hits
