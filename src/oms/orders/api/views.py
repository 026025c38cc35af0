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
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api import ModulePermission, Pagination, error_response
from oms.orders import selectors, workflow
from oms.orders.api.serializers import (
    IngestResponseSerializer,
    OrderDetailSerializer,
    OrderInSerializer,
    OrderListSerializer,
)
from oms.orders.intake import ingest
from oms.orders.models import IdempotencyKey, Order

FILTER_PARAMS = [
    OpenApiParameter("status", OpenApiTypes.STR, many=True, description="Status code; repeat for several."),
    OpenApiParameter("channel", OpenApiTypes.INT, description="Channel id."),
    OpenApiParameter("class", OpenApiTypes.STR, description="Class label."),
    OpenApiParameter("type", OpenApiTypes.STR, description="Order type."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Received on or after."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Received on or before."),
    OpenApiParameter("amount_min", OpenApiTypes.DECIMAL),
    OpenApiParameter("amount_max", OpenApiTypes.DECIMAL),
    OpenApiParameter("q", OpenApiTypes.STR, description="Order number, external number, phone, name, tracking."),
]


class _OrdersBase(generics.GenericAPIView):
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
    required_perms = {"GET": ["orders.view_order"], "POST": ["orders.add_order"]}
    serializer_class = OrderListSerializer
    pagination_class = _OrderListPagination
    known_count: int | None = None

    def get_queryset(self) -> Any:
        flt = selectors.OrderFilter.from_params(self.request.query_params)
        self.known_count = selectors.count_for(self.request.user, flt)
        params = self.request.query_params
        page, size = params.get("page", ""), params.get("page_size", "")
        rows_needed = (int(size) if size.isdigit() else 50) * (int(page) if page.isdigit() else 1)
        return selectors.list_orders(self.request.user, flt, max(rows_needed, 1)).select_related("channel")

    @extend_schema(parameters=FILTER_PARAMS, responses=OrderListSerializer(many=True))
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
        from oms.channels.models import Channel

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
