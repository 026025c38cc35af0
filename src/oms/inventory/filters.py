"""The inventory console's list filters as django-filter FilterSets (the query string names stay the
ones the pages and bookmarks use). A value that does not parse (a date like "abc") is left out of the
filtering rather than failing the page."""

from __future__ import annotations

from typing import Any, TypeVar

import django_filters as filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from oms.core import bounded
from oms.inventory.models import Product, Stock, StockMove, StockThreshold, TransferPlan, TransferStatus


class _Filters(filters.FilterSet):
    def values(self) -> dict[str, str]:
        """What the form shows back: each filter's raw text from the query string."""
        data = self.data or {}
        return {name: str(data.get(name, "")).strip() for name in self.filters}


class StockFilter(_Filters):
    q = filters.CharFilter(method="search")
    warehouse = filters.CharFilter(field_name="warehouse__code")
    location = filters.CharFilter(field_name="location__code", lookup_expr="icontains")
    show = filters.ChoiceFilter(
        method="show_only", choices=[(c, c) for c in ("available", "out", "alert", "in_transit")]
    )

    class Meta:
        model = Stock
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(
            Q(product__sku__icontains=value) | Q(product__name__icontains=value) | Q(product__barcode=value)
        )

    def show_only(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "available":
            return qs.filter(on_hand__gt=F("reserved"))
        if value == "out":
            return qs.filter(on_hand__lte=F("reserved"))
        if value == "alert":  # an active "low_stock" alert of oms.monitoring on this SKU x warehouse
            from oms.monitoring.kinds import ACTIVE_STATES, AlertKind
            from oms.monitoring.models import Alert

            active = Alert.objects.filter(
                kind=AlertKind.LOW_STOCK,
                state__in=ACTIVE_STATES,
                subject_id=OuterRef("product_id"),
                warehouse_id=OuterRef("warehouse_id"),
            )
            return qs.filter(Exists(active))
        return qs.filter(in_transit__gt=0)


class ProductFilter(_Filters):
    q = filters.CharFilter(method="search")
    kind = filters.ChoiceFilter(method="of_kind", choices=[("kit", "kit"), ("inactive", "inactive")])

    class Meta:
        model = Product
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(sku__icontains=value) | Q(name__icontains=value) | Q(barcode=value))

    def of_kind(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(is_kit=True) if value == "kit" else qs.filter(active=False)


class MoveFilter(_Filters):
    q = filters.CharFilter(method="search")
    kind = filters.CharFilter(field_name="kind")
    warehouse = filters.CharFilter(field_name="warehouse__code")
    ref = filters.CharFilter(method="by_ref")  # "order:123", "transfer:7"
    since = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    until = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = StockMove
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(product__sku__icontains=value) | Q(reason__icontains=value))

    def by_ref(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        ref_type, _sep, ref_text = value.strip().partition(":")
        ref_id = bounded.id_or_none(ref_text, high=bounded.BIGINT_MAX)  # ASCII digits within the column
        return qs if ref_id is None else qs.filter(ref_type=ref_type, ref_id=ref_id)


class ThresholdFilter(_Filters):
    tq = filters.CharFilter(field_name="product__sku", lookup_expr="icontains")

    class Meta:
        model = StockThreshold
        fields: list[str] = []


class TransferFilter(_Filters):
    status = filters.ChoiceFilter(field_name="status", choices=TransferStatus.choices)

    class Meta:
        model = TransferPlan
        fields: list[str] = []


QS = TypeVar("QS", bound=QuerySet)


def apply(filterset: type[_Filters], data: Any, qs: QS) -> tuple[QS, dict[str, str]]:
    """The filtered queryset and the filter values to show back in the form."""
    found = filterset(data, queryset=qs)
    return found.qs, found.values()
