"""API shapes: orders as read (masked for roles without personal-data access) and as submitted
(the canonical IncomingOrder, with a channel code)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from oms.channels.interface import IncomingAddress, IncomingLine, IncomingOrder
from oms.core.validators import mask_id_card, mask_phone
from oms.orders import rules
from oms.orders.choices import OrderType, PaymentStatus
from oms.orders.models import Order, OrderEvent, OrderLine


class _Masking:
    def mask(self, data: dict[str, Any]) -> dict[str, Any]:
        if not self.context.get("can_see_personal_data", False):  # type: ignore[attr-defined]
            data["customer_phone"] = mask_phone(data.get("customer_phone") or "")
            if "customer_id_card" in data:
                data["customer_id_card"] = mask_id_card(data.get("customer_id_card") or "")
        return data


class OrderListSerializer(_Masking, serializers.ModelSerializer):
    channel = serializers.CharField(source="channel.code", read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "channel",
            "external_id",
            "external_number",
            "order_type",
            "classes",
            "tags",
            "customer_name",
            "customer_phone",
            "province",
            "city",
            "district",
            "goods_amount",
            "shipping_amount",
            "discount_amount",
            "tax_amount",
            "taxes_included",
            "total_amount",
            "paid_amount",
            "currency",
            "payment_status",
            "status",
            "tracking_number",
            "placed_at",
            "created_at",
            "version",
        ]

    def to_representation(self, instance: Order) -> dict[str, Any]:
        return self.mask(super().to_representation(instance))


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["line_no", "platform_sku", "sku", "name", "spec", "quantity", "unit_price", "line_total"]


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["type", "status_from", "status_to", "actor_kind", "actor_name", "reason", "payload", "created_at"]


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class OrderDetailSerializer(OrderListSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField()

    class Meta(OrderListSerializer.Meta):
        fields = [
            *OrderListSerializer.Meta.fields,
            "shop",
            "customer_email",
            "customer_id_card",
            "buyer_id",
            "country",
            "address_detail",
            "postcode",
            "address_raw",
            "buyer_note",
            "seller_note",
            "payment_method",
            "transaction_id",
            "paid_at",
            "source",
            "problems",
            "lines",
            "events",
        ]

    def get_problems(self, order: Order) -> list[dict[str, str]]:
        out = []
        for raw in order.problems or []:
            p = rules.Problem.from_dict(raw)
            out.append({"code": p.code, "field": p.field, "message": p.message})
        return out


class AddressInSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    country = serializers.CharField(required=False, default="CN", max_length=2)
    province = serializers.CharField(required=False, allow_blank=True, max_length=50)
    city = serializers.CharField(required=False, allow_blank=True, max_length=50)
    district = serializers.CharField(required=False, allow_blank=True, max_length=50)
    detail = serializers.CharField(required=False, allow_blank=True, max_length=500)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    raw = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class LineInSerializer(serializers.Serializer):
    platform_sku = serializers.CharField(max_length=100)
    name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    line_total = serializers.DecimalField(required=False, allow_null=True, max_digits=14, decimal_places=2)
    spec = serializers.CharField(required=False, allow_blank=True, max_length=300)
    external_line_id = serializers.CharField(required=False, allow_blank=True, max_length=100)


class OrderInSerializer(serializers.Serializer):
    """An order as a platform or an integration submits it (the canonical IncomingOrder)."""

    channel = serializers.CharField(max_length=50, help_text=_("The channel's code."))
    external_id = serializers.CharField(max_length=100, help_text=_("Your stable id; repeats are recognised."))
    external_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    shop = serializers.CharField(required=False, allow_blank=True, max_length=200)
    order_type = serializers.ChoiceField(choices=OrderType.choices, required=False, default=OrderType.NORMAL)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
    customer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    customer_phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    customer_email = serializers.EmailField(required=False, allow_blank=True)
    customer_id_card = serializers.CharField(required=False, allow_blank=True, max_length=30)
    buyer_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    address = AddressInSerializer(required=False)
    lines = LineInSerializer(many=True)
    buyer_note = serializers.CharField(required=False, allow_blank=True)
    seller_note = serializers.CharField(required=False, allow_blank=True)
    currency = serializers.CharField(required=False, default="CNY", max_length=3)
    goods_amount = serializers.DecimalField(required=False, allow_null=True, max_digits=14, decimal_places=2)
    shipping_amount = serializers.DecimalField(required=False, default=Decimal("0"), max_digits=14, decimal_places=2)
    discount_amount = serializers.DecimalField(required=False, default=Decimal("0"), max_digits=14, decimal_places=2)
    tax_amount = serializers.DecimalField(required=False, default=Decimal("0"), max_digits=14, decimal_places=2)
    taxes_included = serializers.BooleanField(
        required=False,
        default=True,
        help_text=_(
            "True: the amounts already contain the tax. False: the total is goods + shipping − discount + tax."
        ),
    )
    total_amount = serializers.DecimalField(required=False, allow_null=True, max_digits=14, decimal_places=2)
    paid_amount = serializers.DecimalField(required=False, default=Decimal("0"), max_digits=14, decimal_places=2)
    payment_method = serializers.CharField(required=False, allow_blank=True, max_length=50)
    payment_status = serializers.ChoiceField(
        choices=PaymentStatus.choices, required=False, default=PaymentStatus.UNPAID
    )
    transaction_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    placed_at = serializers.DateTimeField(required=False, allow_null=True)
    paid_at = serializers.DateTimeField(required=False, allow_null=True)
    updated_at = serializers.DateTimeField(required=False, allow_null=True)
    cancelled = serializers.BooleanField(required=False, default=False)

    def to_incoming(self) -> IncomingOrder:
        data = dict(self.validated_data)
        data.pop("channel")
        address = IncomingAddress(**data.pop("address", {}) or {})
        lines = [IncomingLine(**{"name": "", **ln}) for ln in data.pop("lines")]
        return IncomingOrder(address=address, lines=lines, **data)


class IngestResponseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged", "stale", "cancelled"])
    order = OrderDetailSerializer()
