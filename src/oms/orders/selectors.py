"""Read queries for the order list, its counts and exports (console and API share them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from oms.core import bounded, personal
from oms.core.scoping import scope_of
from oms.orders import counts
from oms.orders.choices import OrderStatus, OrderType
from oms.orders.models import Order, OrderCount

LIST_FIELDS = [
    "id",
    "number",
    "channel_id",
    "channel__code",
    "channel__name",
    "external_number",
    "order_type",
    "classes",
    "customer_name",
    "customer_phone",
    "province",
    "city",
    "total_amount",
    "currency",
    "status",
    "tracking_number",
    "placed_at",
    "created_at",
]


@dataclass
class OrderFilter:
    statuses: list[str] = field(default_factory=list)
    channel: int | None = None
    klass: str = ""
    order_type: str = ""
    date_from: date | None = None
    date_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    q: str = ""
    # Exact lookups of integrations (API only): each needs the orders, not OrderCount.
    phone: str = ""
    external_id: str = ""
    external_number: str = ""
    updated_since: datetime | None = None
    # parameter -> reason, for values that were given but cannot be used (they are ignored here;
    # the API answers 400 with them, the console shows them)
    errors: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_params(cls, params: Any) -> OrderFilter:
        """From a QueryDict/dict of strings; values that do not parse are ignored and noted in
        `errors`, never a crash."""

        def get(name: str) -> str:
            return (params.get(name) or "").strip()

        errors: dict[str, str] = {}

        def as_date(name: str) -> date | None:
            return bounded.lenient(bounded.day, params, name, errors)

        statuses = params.getlist("status") if hasattr(params, "getlist") else [params.get("status") or ""]
        return cls(
            statuses=[s for s in statuses if s in OrderStatus.values],
            channel=bounded.lenient(bounded.identifier, params, "channel", errors),
            klass=get("class")[:50],
            order_type=get("type") if get("type") in OrderType.values else "",
            date_from=as_date("date_from"),
            date_to=as_date("date_to"),
            amount_min=bounded.lenient(bounded.amount, params, "amount_min", errors),
            amount_max=bounded.lenient(bounded.amount, params, "amount_max", errors),
            q=get("q")[:100],
            errors=errors,
        )

    @property
    def countable(self) -> bool:
        """Only filters on the columns OrderCount is keyed by (status, channel, type, class): its
        counts are exact for this filter without reading the orders."""
        return not (
            self.date_from
            or self.date_to
            or self.amount_min is not None
            or self.amount_max is not None
            or self.q
            or self.row_terms()
        )

    def row_terms(self) -> list[Q]:
        """The exact lookups (phone, external id and number, updated since) as conditions."""
        terms = []
        if self.phone:
            terms.append(Q(customer_phone=self.phone))
        if self.external_id:
            terms.append(Q(external_id=self.external_id))
        if self.external_number:
            terms.append(Q(external_number=self.external_number))
        if self.updated_since is not None:
            terms.append(Q(updated_at__gte=self.updated_since))
        return terms

    def class_lists(self) -> QuerySet:
        """The distinct class lists (as stored) that contain the label, of the orders up to the mark:
        a handful of OrderCount rows. The same match as before (the quoted label, case-insensitive,
        in the list's JSON text), made on the small table; the orders are then matched by equality
        with one of those lists."""
        return OrderCount.objects.filter(classes__icontains=f'"{self.klass}"', n__gt=0).values("classes")

    def range_bounds(self) -> list[tuple[str, Any]]:
        """The date and amount bounds as (lookup, value): `created_at__gte`, ..., `total_amount__lte`."""
        tz = timezone.get_current_timezone()
        bounds: list[tuple[str, Any]] = []
        if self.date_from:
            bounds.append(("created_at__gte", datetime.combine(self.date_from, time.min, tzinfo=tz)))
        if self.date_to:
            bounds.append(("created_at__lte", datetime.combine(self.date_to, time.max, tzinfo=tz)))
        if self.amount_min is not None:
            bounds.append(("total_amount__gte", self.amount_min))
        if self.amount_max is not None:
            bounds.append(("total_amount__lte", self.amount_max))
        return bounds

    def apply(self, qs: QuerySet, *, with_status: bool = True) -> QuerySet:
        if with_status and self.statuses:
            qs = qs.filter(status__in=self.statuses)
        if self.channel:
            qs = qs.filter(channel_id=self.channel)
        if self.klass:
            # Orders up to the mark by their class list; the few after it by the label itself.
            qs = qs.filter(
                Q(classes__in=self.class_lists()) | Q(pk__gt=counts.mark(), classes__icontains=f'"{self.klass}"')
            )
        if self.order_type:
            qs = qs.filter(order_type=self.order_type)
        for lookup, value in self.range_bounds():
            qs = qs.filter(**{lookup: value})
        if self.q:
            qs = qs.filter(pk__in=search_ids(self.q))
        for term in self.row_terms():
            qs = qs.filter(term)
        return qs


def _prefix(field: str, text: str) -> Q:
    # A range instead of LIKE 'x%': SQLite's LIKE is case-insensitive and cannot use the index.
    return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})


SEARCH_LIMIT = 5000


def search_terms(text: str) -> list[Q]:
    """Exact matches on the indexed identifiers; phone and name by prefix."""
    text = text.strip()
    digits = re.sub(r"[\s\-]", "", text)
    terms = [Q(number=text.upper()), Q(external_number=text), Q(tracking_number=text)]
    if digits.isdigit():
        terms.append(_prefix("customer_phone", digits) if len(digits) >= 7 else Q(customer_phone=digits))
    else:
        terms.append(_prefix("customer_name", text))
    return terms


def search_ids(text: str) -> list[int]:
    """Ids of the orders matching `text`: one small indexed query per term. (One OR of all terms
    makes SQLite's planner fall back to a table scan when one column's index looks unselective.)"""
    ids: set[int] = set()
    for term in search_terms(text):
        ids.update(Order.objects.filter(term).order_by().values_list("pk", flat=True)[:SEARCH_LIMIT])
    return sorted(ids)


def orders_for(user: Any) -> QuerySet:
    return Order.objects.restrict(user)


def list_orders(user: Any, flt: OrderFilter, rows_needed: int = 500) -> QuerySet:
    """The orders of the list (console and API) for `flt`, newest first.

    A user limited to several channels is restricted by `channel_id IN (...)`. SQLite, which keeps no
    statistics, then reads every order of those channels through the (channel, created_at) index and
    sorts them for one page (0.1-0.4 s at a million). When walking the list order would find a page
    sooner (the matching orders are not rare among all), the same condition is written so that no
    index serves it (`channel_id + 0 IN (...)`): SQLite walks the list order and checks each row.
    `rows_needed`: how far into the list the caller reads (page number x page size)."""
    qs = flt.apply(orders_for(user))
    if connection.vendor != "sqlite" or flt.channel:
        return qs.order_by("-created_at", "-pk")
    channel_ids = scope_of(user).channel_ids
    if not channel_ids or len(channel_ids) < 2 or set(Order.scope_fields) != {"channel"}:
        return qs.order_by("-created_at", "-pk")
    # Walking the list order reads about PAGE / share-of-matching orders for a page; the index reads
    # every order of the user's channels (and checks the other filters on each).
    matching = _count_rows(user, flt).aggregate(total=Sum("n"))["total"] or 0
    in_scope = _count_rows(user, OrderFilter()).aggregate(total=Sum("n"))["total"] or 0
    everything = OrderCount.objects.aggregate(total=Sum("n"))["total"] or 0
    if not matching or rows_needed * everything / matching > in_scope:
        return qs.order_by("-created_at", "-pk")
    # The scope, in a form no index serves (same rows as restrict(); the user is signed in and limited).
    walk = Order.objects.alias(scope_channel=F("channel_id") + 0).filter(scope_channel__in=sorted(channel_ids))
    return flt.apply(walk).order_by("-created_at", "-pk")


@dataclass
class ListCounts:
    """What the order list shows above its rows: orders per status for the filter without its status
    part, and orders per class list for the whole filter (status included)."""

    statuses: dict[str, int]
    class_lists: list[tuple[list[str], int]]
    selected: list[str]

    @property
    def all(self) -> int:
        return sum(self.statuses.values())

    @property
    def total(self) -> int:
        """Orders matching the whole filter."""
        if not self.selected:
            return self.all
        return sum(self.statuses.get(s, 0) for s in self.selected)

    def classes(self, labels: list[str]) -> dict[str, int]:
        if not labels:
            return {}
        totals = dict.fromkeys(labels, 0)
        for classes, n in self.class_lists:
            for label in classes or []:
                if label in totals:
                    totals[label] += n
        return totals


def list_counts(user: Any, flt: OrderFilter) -> ListCounts:
    """The counts of the order list for `flt` as `user` sees it, in one query.

    With filters on status, channel, type and class only (the usual case, and the first page), from
    OrderCount (a few hundred rows whatever the number of orders) and the orders after its mark. With
    a date, amount or search filter, one GROUP BY (status, class list) over the matching orders, or
    over those outside a range that holds most orders."""
    grouped: Any
    if flt.countable:
        grouped = _counted(user, flt)
    elif (span := _month_span(flt)) is not None:
        grouped = _counted(user, flt, span) + [
            row for q in span.edges for row in _grouped_orders(user, _countable_part(flt), q)
        ]
    elif (outside := _wide_range_complement(flt)) is not None:
        grouped = _subtract(_counted(user, flt), [_grouped_orders(user, _countable_part(flt), q) for q in outside])
    else:
        grouped = _grouped_orders(user, flt)
    statuses: dict[str, int] = {}
    by_classes: dict[str, tuple[list[str], int]] = {}
    for status, classes, n in grouped:
        statuses[status] = statuses.get(status, 0) + n
        if not flt.statuses or status in flt.statuses:
            key = repr(classes)
            held = by_classes.get(key)
            by_classes[key] = (classes, n + (held[1] if held else 0))
    return ListCounts(statuses=statuses, class_lists=list(by_classes.values()), selected=list(flt.statuses))


def _countable_part(flt: OrderFilter) -> OrderFilter:
    return replace(
        flt,
        date_from=None,
        date_to=None,
        amount_min=None,
        amount_max=None,
        q="",
        phone="",
        external_id="",
        external_number="",
        updated_since=None,
    )


def _counted(user: Any, flt: OrderFilter, span: MonthSpan | None = None) -> list[tuple[str, Any, int]]:
    """(status, class list, n) for the status, channel, type and class parts of `flt` (status not
    applied): OrderCount up to the mark, plus a GROUP BY over the orders after it (those since the
    last fold, a minute's worth at most when the periodic task runs). With `span`: only the orders
    received in those whole UTC months."""
    for _attempt in range(3):
        last = counts.mark()
        rows = _count_rows(user, flt)
        if span is not None:
            if span.start is not None:
                rows = rows.filter(month__gte=span.start.date())
            if span.end is not None:
                rows = rows.filter(month__lt=span.end.date())
        held = list(rows.order_by().values_list("status", "classes").annotate(total=Sum("n")))
        if counts.mark() == last:  # no fold in between: `held` counts exactly the orders up to `last`
            break
    return held + _tail_grouped(user, flt, last, span)


@dataclass
class MonthSpan:
    """Whole UTC months [start, end) inside a date filter (None: open on that side), and the
    conditions for the parts of the filter outside them (its first and last, partial, month)."""

    start: datetime | None
    end: datetime | None
    edges: list[Q]


def _month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: datetime) -> datetime:
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def _month_span(flt: OrderFilter) -> MonthSpan | None:
    """For a filter whose only part OrderCount cannot answer is a date range holding at least one
    whole UTC month: those months (from OrderCount) and the partial months at its ends (from the
    orders, a month at most on each side). None otherwise."""
    if flt.q or flt.row_terms() or flt.amount_min is not None or flt.amount_max is not None:
        return None
    if not (flt.date_from or flt.date_to):
        return None
    bounds = dict(flt.range_bounds())
    low, high = bounds.get("created_at__gte"), bounds.get("created_at__lte")
    start = end = None
    if low is not None:
        start = _month_start(low)
        if start < low:
            start = _next_month(start)
    if high is not None:
        end = _month_start(high + timedelta(microseconds=1))
    if start is not None and end is not None and start >= end:
        return None
    edges = []
    if low is not None and start is not None and low < start:
        edges.append(Q(created_at__gte=low, created_at__lt=start))
    if high is not None and end is not None and end <= high:
        edges.append(Q(created_at__gte=end, created_at__lte=high))
    return MonthSpan(start, end, edges)


def _tail_grouped(user: Any, flt: OrderFilter, last: int, span: MonthSpan | None = None) -> list[tuple[str, Any, int]]:
    """(status, class list, n) of the orders after id `last` matching the channel, type and class
    parts of `flt`, in the user's scope. Only the id range is left for an index to serve: it holds a
    few thousand orders, and SQLite (no statistics) would otherwise read whole channels through the
    (channel, created_at) index to find them."""
    if not getattr(user, "is_authenticated", False):
        return []
    qs = Order.objects.filter(pk__gt=last)
    channel_ids = scope_of(user).channel_ids
    if set(Order.scope_fields) != {"channel"}:
        qs = qs.restrict(user)
    elif channel_ids is not None:
        qs = qs.alias(tail_scope=F("channel_id") + 0).filter(tail_scope__in=sorted(channel_ids))
    if flt.channel:
        qs = qs.alias(tail_channel=F("channel_id") + 0).filter(tail_channel=flt.channel)
    if flt.order_type:
        qs = qs.alias(tail_type=Concat("order_type", Value(""))).filter(tail_type=flt.order_type)
    if flt.klass:
        qs = qs.filter(classes__icontains=f'"{flt.klass}"')
    if span is not None:
        qs = qs.alias(tail_created=Coalesce("created_at", "created_at"))
        if span.start is not None:
            qs = qs.filter(tail_created__gte=span.start)
        if span.end is not None:
            qs = qs.filter(tail_created__lt=span.end)
    grouped = qs.order_by().values_list(Coalesce("status", Value("")), "classes").annotate(total=Count("pk"))
    return list(grouped)


def _grouped_orders(user: Any, flt: OrderFilter, extra: Q | None = None) -> Any:
    """(status, class list, n) over the orders matching `flt` without its status part."""
    qs = flt.apply(orders_for(user), with_status=False)
    if extra is not None:
        qs = qs.filter(extra)
    return qs.order_by().values_list(Coalesce("status", Value("")), "classes").annotate(total=Count("pk"))


WIDE_RANGE = 0.5  # share of all orders above which a range is counted as "all minus outside"


def _wide_range_complement(flt: OrderFilter) -> list[Q] | None:
    """For a filter whose only part OrderCount cannot answer is one date range or one amount range
    that holds most orders ("since January 1st"): the conditions for the orders outside that range,
    one per side. Counting those and subtracting them from OrderCount reads the smaller part. None
    when the range is narrow (count it directly) or the filter has a search or both kinds of range."""
    if flt.q or flt.row_terms():
        return None
    bounds = flt.range_bounds()
    fields = {lookup.split("__")[0] for lookup, _ in bounds}
    if len(fields) != 1:
        return None
    inside = Order.objects.order_by().filter(**dict(bounds)).count()  # one index range, index only
    everything = OrderCount.objects.aggregate(total=Sum("n"))["total"] or 0
    if inside <= everything * WIDE_RANGE:
        return None
    opposite = {"gte": "lt", "lte": "gt"}
    return [Q(**{f"{field}__{opposite[op]}": value}) for field, op, value in ((*k.split("__"), v) for k, v in bounds)]


def _subtract(whole: Any, parts: list[Any]) -> list[tuple[str, Any, int]]:
    """(status, class list, n) of `whole` minus those of each of `parts`."""
    totals: dict[tuple[str, str], tuple[str, Any, int]] = {}
    for sign, rows in [(1, whole)] + [(-1, part) for part in parts]:
        for status, classes, n in rows:
            key = (status, repr(classes))
            held = totals.get(key)
            totals[key] = (status, classes, (held[2] if held else 0) + sign * n)
    return [row for row in totals.values() if row[2] > 0]


def _count_rows(user: Any, flt: OrderFilter) -> QuerySet:
    """OrderCount rows for the filter without its status part, in the user's scope."""
    rows = OrderCount.objects.restrict(user).filter(n__gt=0)
    if flt.channel:
        rows = rows.filter(channel_id=flt.channel)
    if flt.order_type:
        rows = rows.filter(order_type=flt.order_type)
    if flt.klass:
        rows = rows.filter(classes__icontains=f'"{flt.klass}"')
    return rows


def count_for(user: Any, flt: OrderFilter) -> int | None:
    """Orders matching `flt` for `user` from OrderCount, or None when the filter needs the orders."""
    if not flt.countable:
        return None
    return sum(n for status, _classes, n in _counted(user, flt) if not flt.statuses or status in flt.statuses)


def mask_row(row: dict[str, Any], can_see: bool) -> dict[str, Any]:
    return personal.mask_fields(row, can_see)


def can_see_personal_data(user: Any) -> bool:
    return personal.can_see(user)


def open_shortages(order_ids: Any) -> dict[int, list[Any]]:
    """The active "stock_shortage" alerts of these orders (ids or a queryset of ids), per order id,
    in SKU order: what each awaiting order lacks (`alert.params`: sku, quantity)."""
    from oms.monitoring import selectors as alert_selectors
    from oms.monitoring.kinds import AlertKind

    found: dict[int, list[Any]] = {}
    for alert in alert_selectors.active_about(AlertKind.STOCK_SHORTAGE, "orders.order", order_ids):
        found.setdefault(int(alert.subject_id or 0), []).append(alert)
    for alerts in found.values():
        alerts.sort(key=lambda a: str(a.params.get("sku", "")))
    return found
