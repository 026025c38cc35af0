"""GET/POST /api/v1/orders/ and GET /api/v1/orders/{id}/."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from oms.channels.models import Channel
from oms.core import bounded
from oms.core.actor import Actor
from oms.core.api import (
    ExistingField,
    ExistingIdField,
    InvalidQuery,
    ModulePermission,
    Pagination,
    StrictQueryParams,
    error_response,
)
from oms.core.scoping import get_in_scope_or_404
from oms.orders import selectors, workflow
from oms.orders.api.serializers import (
    IngestResponseSerializer,
    OrderDetailSerializer,
    OrderEventSerializer,
    OrderInSerializer,
    OrderListSerializer,
)
from oms.orders.choices import OrderStatus, OrderType
from oms.orders.intake import ingest
from oms.orders.models import IdempotencyKey, Order
from oms.orders.rules import normalise_phone

OrderQuery = type(
    "OrderQuery",
    (serializers.Serializer,),
    {
        "__doc__": "The filters of GET /api/v1/orders/ (each refused with a 400 naming it when it cannot be used).",
        "status": serializers.MultipleChoiceField(
            choices=OrderStatus.choices, required=False, help_text="Status code; repeat for several."
        ),
        "channel": ExistingField(Channel, "code", help_text="Channel code, as orders show it."),
        "channel_id": ExistingIdField(Channel, help_text="Channel id."),
        "class": serializers.CharField(required=False, max_length=50, help_text="Class label."),
        "type": serializers.ChoiceField(choices=OrderType.choices, required=False, help_text="Order type."),
        "date_from": serializers.DateField(
            required=False, validators=[bounded.check_day], help_text="Received on or after (YYYY-MM-DD)."
        ),
        "date_to": serializers.DateField(
            required=False, validators=[bounded.check_day], help_text="Received on or before (YYYY-MM-DD)."
        ),
        "amount_min": serializers.DecimalField(max_digits=14, decimal_places=2, required=False),
        "amount_max": serializers.DecimalField(max_digits=14, decimal_places=2, required=False),
        "q": serializers.CharField(
            required=False, max_length=100, help_text="Order number, external number, phone, name, tracking."
        ),
        "phone": serializers.CharField(required=False, max_length=40, help_text="The customer's phone, exactly."),
        "external_id": serializers.CharField(required=False, max_length=100, help_text="The platform's order id."),
        "external_number": serializers.CharField(
            required=False, max_length=100, help_text="The order number the seller sees on the platform."
        ),
        "updated_since": serializers.DateTimeField(
            required=False,
            validators=[bounded.check_day],
            help_text="ISO 8601; orders changed at or after this moment (polling: the time of your last poll).",
        ),
    },
)


def order_filter(query: dict[str, Any]) -> selectors.OrderFilter:
    """The console's OrderFilter from the API's validated parameters."""
    channel = query.get("channel") or query.get("channel_id")
    if query.get("channel") and query.get("channel_id") and query["channel"].pk != query["channel_id"].pk:
        raise InvalidQuery({"channel_id": [_("Names another channel than “channel”.")]})
    return selectors.OrderFilter(
        statuses=sorted(query.get("status") or []),
        channel=channel.pk if channel else None,
        klass=query.get("class", ""),
        order_type=query.get("type", ""),
        date_from=query.get("date_from"),
        date_to=query.get("date_to"),
        amount_min=query.get("amount_min"),
        amount_max=query.get("amount_max"),
        q=query.get("q", "").strip(),
        phone=normalise_phone(query.get("phone", "")),
        external_id=query.get("external_id", "").strip(),
        external_number=query.get("external_number", "").strip(),
        updated_since=query.get("updated_since"),
    )


class _OrdersBase(StrictQueryParams, generics.GenericAPIView):
    permission_classes = [ModulePermission]
    module = "orders"
    filter_backends: list = []  # filtering is OrderFilter's job (the same as the console list)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["can_see_personal_data"] = selectors.can_see_personal_data(self.request.user)
        return context


class _OrderListPagination(Pagination):
    """Page numbers as everywhere, with the count taken from the view's `known_count` when it has one
    (selectors.count_for: a few OrderCount rows) instead of a COUNT(*) over the matching orders."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        known: int | None = getattr(view, "known_count", None)
        if known is not None:
            count = known

            class _KnownCount(Paginator):
                @cached_property
                def count(self) -> int:
                    return count

            self.django_paginator_class = _KnownCount
        return super().paginate_queryset(queryset, request, view)


class OrderListCreateView(_OrdersBase):
    # creating an order is intake: its permission comes from the lifecycle table
    required_perms = {"GET": ["orders.view_order"], "POST": list(workflow.permissions_for("intake_order"))}
    serializer_class = OrderListSerializer
    pagination_class = _OrderListPagination
    known_count: int | None = None
    query_serializer = OrderQuery

    def get_queryset(self) -> Any:
        flt = order_filter(getattr(self, "query", {}))
        self.known_count = selectors.count_for(self.request.user, flt)
        params = self.request.query_params
        ignored: dict[str, str] = {}  # the paginator answers a bad page itself (404)
        page = bounded.lenient(bounded.integer, params, "page", ignored, low=1) or 1
        size = bounded.lenient(bounded.integer, params, "page_size", ignored, low=1) or 50
        size = min(size, Pagination.max_page_size)  # what the paginator will use
        rows_needed = size * page
        return selectors.list_orders(self.request.user, flt, max(rows_needed, 1)).select_related("channel")

    @extend_schema(responses=OrderListSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=OrderInSerializer,
        responses={201: IngestResponseSerializer, 200: IngestResponseSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Same key and body: the same answer again. Same key, other body: 409.",
            )
        ],
        description="Submit an order. Repeating the same channel + external_id never creates a second order.",
    )
    def post(self, request: Request) -> Response:
        key = (request.headers.get("Idempotency-Key") or "").strip()[:200]
        body_hash = hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()
        if key:
            held = IdempotencyKey.objects.filter(user_id=int(request.user.pk or 0), key=key).first()
            if held is not None:
                return self._replay(held, body_hash)
        serializer = OrderInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = Channel.objects.restrict(request.user).filter(code=serializer.validated_data["channel"]).first()
        if channel is None:
            return error_response(
                "invalid",
                _("Some fields are not valid."),
                fields={"channel": [_("No channel with this code that you may use.")]},
            )
        try:
            with transaction.atomic():
                result = ingest(
                    channel=channel, incoming=serializer.to_incoming(), actor=Actor.from_request(request), source="api"
                )
                assert result.order is not None
                order = (
                    Order.objects.prefetch_related("lines", "events").select_related("channel").get(pk=result.order.pk)
                )
                body = {
                    "outcome": result.outcome,
                    "order": OrderDetailSerializer(order, context=self.get_serializer_context()).data,
                }
                code = status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK
                body = json.loads(json.dumps(body, default=str))
                if key:
                    IdempotencyKey.objects.create(
                        user_id=int(request.user.pk or 0),
                        key=key,
                        request_hash=body_hash,
                        status_code=code,
                        response=body,
                    )
        except workflow.TransitionNotAllowed as exc:
            return error_response("permission_denied", str(exc), status.HTTP_403_FORBIDDEN)
        except IntegrityError:
            held = IdempotencyKey.objects.filter(user_id=int(request.user.pk or 0), key=key).first()
            if key and held is not None:  # a concurrent request with the same key won
                return self._replay(held, body_hash)
            raise
        return Response(body, status=code)

    def _replay(self, held: IdempotencyKey, body_hash: str) -> Response:
        if held.request_hash != body_hash:
            return error_response(
                "idempotency_conflict",
                _("This Idempotency-Key was already used with a different request body."),
                status.HTTP_409_CONFLICT,
            )
        response = Response(held.response, status=held.status_code)
        response["Idempotent-Replay"] = "true"
        return response


class OrderDetailView(_OrdersBase, generics.RetrieveAPIView):
    required_perms = {"GET": ["orders.view_order"]}
    serializer_class = OrderDetailSerializer

    def get_queryset(self) -> Any:
        return Order.objects.restrict(self.request.user).select_related("channel").prefetch_related("lines", "events")


class OrderEventListView(_OrdersBase):
    """The order's timeline, oldest first, each event with its label in the caller's language."""

    required_perms = {"*": ["orders.view_order", "orders.view_orderevent"]}
    serializer_class = OrderEventSerializer
    pagination_class = None

    @extend_schema(responses=OrderEventSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        order = get_in_scope_or_404(Order, request.user, pk=pk)
        events = order.events.order_by("created_at", "pk")
        return Response(OrderEventSerializer(events, many=True, context=self.get_serializer_context()).data)
