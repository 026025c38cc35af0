"""API shapes: orders as read (masked for roles without personal-data access) and as submitted
(the canonical IncomingOrder, with a channel code)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from oms.core import personal, validators
from oms.orders import events, rules
from oms.orders.choices import OrderStatus, OrderType, PaymentStatus
from oms.orders.incoming import IncomingAddress, IncomingLine, IncomingOrder
from oms.orders.models import Order, OrderEvent, OrderLine


class _Masking:
    def mask(self, data: dict[str, Any]) -> dict[str, Any]:
        return personal.mask_fields(data, self.context.get("can_see_personal_data", False))  # type: ignore[attr-defined]


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
            "source_updated_at",
            "created_at",
            "updated_at",
            "version",
        ]
        extra_kwargs = {
            "source_updated_at": {"help_text": _("When the platform last changed the order (what you submit).")},
            "updated_at": {"help_text": _("When OMS last changed the order: poll with ?updated_since=.")},
        }

    def to_representation(self, instance: Order) -> dict[str, Any]:
        return self.mask(super().to_representation(instance))


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["line_no", "platform_sku", "sku", "name", "spec", "quantity", "unit_price", "line_total"]
        extra_kwargs = {
            "platform_sku": {"help_text": _("The SKU as the platform sent it (what you submit as platform_sku).")},
            "sku": {"help_text": _("Our SKU that platform_sku maps to; empty while it is not mapped. Read-only.")},
        }


class OrderEventSerializer(serializers.ModelSerializer):
    """The type code and, in the request's language, its label and message (built from the payload)."""

    label = serializers.SerializerMethodField(help_text=_("The event type in the caller's language."))  # type: ignore[assignment]
    message = serializers.SerializerMethodField(help_text=_("What happened, in the caller's language."))
    status_from = serializers.ChoiceField(choices=OrderStatus.choices, allow_blank=True, read_only=True)
    status_to = serializers.ChoiceField(choices=OrderStatus.choices, allow_blank=True, read_only=True)

    class Meta:
        model = OrderEvent
        fields = [
            "id", "type", "label", "message", "status_from", "status_to", "actor_kind", "actor_name", "reason",
            "payload", "created_at",
        ]  # fmt: skip

    def get_label(self, event: OrderEvent) -> str:
        return events.label_for(event.type)

    def get_message(self, event: OrderEvent) -> str:
        return events.message_for(event.type, event.payload if isinstance(event.payload, dict) else {})

    def to_representation(self, instance: OrderEvent) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["payload"] = personal.mask_payload(data["payload"], self.context.get("can_see_personal_data", False))
        return data


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
        visible = self.context.get("can_see_personal_data", False)
        for raw in personal.mask_payload(order.problems or [], visible):
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
    quantity = serializers.IntegerField(min_value=-validators.INT_MAX - 1, max_value=validators.INT_MAX)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    line_total = serializers.DecimalField(required=False, allow_null=True, max_digits=14, decimal_places=2)
    spec = serializers.CharField(required=False, allow_blank=True, max_length=300)
    external_line_id = serializers.CharField(required=False, allow_blank=True, max_length=100)


@extend_schema_serializer(deprecate_fields=["address", "updated_at"])
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
    # The address under the names orders are returned with; `address` (nested) is the older form.
    country = serializers.CharField(required=False, max_length=2)
    province = serializers.CharField(required=False, allow_blank=True, max_length=50)
    city = serializers.CharField(required=False, allow_blank=True, max_length=50)
    district = serializers.CharField(required=False, allow_blank=True, max_length=50)
    address_detail = serializers.CharField(required=False, allow_blank=True, max_length=500)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    address_raw = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text=_("The address as one line, when not split.")
    )
    address = AddressInSerializer(
        required=False,
        help_text=_("Deprecated: send the flat fields (province, city, district, address_detail, ...) instead."),
    )
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
    source_updated_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_("When the platform last changed the order; an older update than the one held is ignored."),
    )
    updated_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("Deprecated: the old name of source_updated_at.")
    )
    cancelled = serializers.BooleanField(required=False, default=False)

    FLAT_ADDRESS = {"country": "country", "province": "province", "city": "city", "district": "district",
                    "address_detail": "detail", "postcode": "postcode", "address_raw": "raw"}  # fmt: skip

    def to_incoming(self) -> IncomingOrder:
        data = dict(self.validated_data)
        data.pop("channel")
        parts = dict(data.pop("address", {}) or {})
        for name, part in self.FLAT_ADDRESS.items():
            if name in data:
                parts[part] = data.pop(name)
        address = IncomingAddress(**parts)
        source_updated_at = data.pop("source_updated_at", None)
        data["updated_at"] = source_updated_at or data.get("updated_at")
        lines = [IncomingLine(**{"name": "", **ln}) for ln in data.pop("lines")]
        return IncomingOrder(address=address, lines=lines, **data)


class IngestResponseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged", "stale", "cancelled"])
    order = OrderDetailSerializer()
