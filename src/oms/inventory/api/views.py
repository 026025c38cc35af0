"""Inventory REST API: products, warehouses, stock, the ledger, receipts and adjustments, low-stock
alerts and transfer plans. Reads go through `.restrict(user)`; writes call inventory.actions."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oms.core import bounded, validators
from oms.core.actor import Actor
from oms.core.api import ExistingField, ModulePermission, QueryBooleanField, StrictQueryParams, error_response
from oms.inventory import actions, scopes
from oms.inventory.ledger import InsufficientStock
from oms.inventory.models import (
    MoveKind,
    Product,
    Stock,
    StockMove,
    TransferLine,
    TransferPlan,
    Warehouse,
)
from oms.monitoring.kinds import AlertKind
from oms.monitoring.models import Alert


def _data(request: Request) -> dict[str, Any]:
    return request.data if isinstance(request.data, dict) else {}


def _actor(request: Request) -> Actor:
    return Actor.from_request(request)


class InventoryAPI(StrictQueryParams):
    permission_classes: Any = [ModulePermission]
    module = "inventory"


# --- serializers ---


class ProductSerializer(serializers.ModelSerializer):
    components = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id", "sku", "name", "spec", "barcode", "unit_cost", "list_price", "weight_kg", "volume_l",
            "is_kit", "active", "components",
        ]  # fmt: skip

    def get_components(self, obj: Product) -> list[dict[str, Any]]:
        return [{"sku": c.component.sku, "quantity": c.quantity} for c in obj.components.all()]


class WarehouseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = [
            "id", "code", "name", "province", "city", "district", "address", "priority", "active", "lat", "lng",
            "covered_provinces",
        ]  # fmt: skip


class StockSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    location = serializers.CharField(source="location.code", read_only=True, default="")
    available = serializers.IntegerField(read_only=True)
    unit_cost = serializers.DecimalField(source="product.unit_cost", max_digits=14, decimal_places=2, read_only=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Stock
        fields = ["id", "sku", "warehouse", "location", "on_hand", "reserved", "available", "in_transit", "unit_cost",
                  "value"]  # fmt: skip


class MoveSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)

    class Meta:
        model = StockMove
        fields = ["id", "kind", "sku", "warehouse", "quantity", "d_on_hand", "d_reserved", "d_in_transit",
                  "ref_type", "ref_id", "reason", "actor_name", "created_at"]  # fmt: skip


@extend_schema_serializer(component_name="LowStockAlert")  # not monitoring's Alert component
class AlertSerializer(serializers.ModelSerializer):
    """A "low_stock" alert of oms.monitoring, in this endpoint's fields of before."""

    sku = serializers.CharField(source="params.sku", read_only=True)
    warehouse = serializers.CharField(source="params.warehouse_code", read_only=True, default="")
    threshold = serializers.IntegerField(source="params.threshold", read_only=True)
    available = serializers.IntegerField(source="params.available", read_only=True)
    lowest = serializers.IntegerField(source="params.lowest", read_only=True)
    raised_at = serializers.DateTimeField(source="opened_at", read_only=True)
    cleared_at = serializers.DateTimeField(source="resolved_at", read_only=True, allow_null=True)

    class Meta:
        model = Alert
        fields = ["id", "sku", "warehouse", "state", "threshold", "available", "lowest", "raised_at", "cleared_at"]


class TransferLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    source = serializers.CharField(source="source.code", read_only=True)  # type: ignore[assignment]
    destination = serializers.CharField(source="destination.code", read_only=True)

    class Meta:
        model = TransferLine
        fields = ["id", "sku", "source", "destination", "quantity", "received", "unit_cost", "expected_arrival"]


class TransferPlanSerializer(serializers.ModelSerializer):
    lines = TransferLineSerializer(many=True, read_only=True)

    class Meta:
        model = TransferPlan
        fields = ["id", "number", "status", "note", "total_cost", "created_by", "created_at", "lines"]


class StockChangeSerializer(serializers.Serializer):
    sku = serializers.CharField()
    warehouse = serializers.CharField(help_text="warehouse code")
    # a database integer here; the action then applies the runtime maximum per receipt/adjustment
    quantity = serializers.IntegerField(min_value=-validators.INT_MAX - 1, max_value=validators.INT_MAX)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StockQuery(serializers.Serializer):
    sku = ExistingField(Product, "sku", help_text="Our SKU.")
    q = serializers.CharField(required=False, help_text="Part of a SKU or product name.")
    warehouse = ExistingField(Warehouse, "code", help_text="Warehouse code.")
    location = serializers.CharField(required=False, help_text="Location code.")
    available_lt = serializers.IntegerField(
        required=False, min_value=-(2**31), max_value=2**31 - 1, help_text="Available below this number."
    )
    in_transit = QueryBooleanField(help_text="true: only rows with units in transit; false: only without.")


class MoveQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MoveKind.choices, required=False)
    sku = ExistingField(Product, "sku", help_text="Our SKU.")
    warehouse = ExistingField(Warehouse, "code", help_text="Warehouse code.")
    ref_type = serializers.CharField(required=False)
    ref_id = serializers.IntegerField(required=False, min_value=0, max_value=2**63 - 1)


# --- views ---


class ProductViewSet(InventoryAPI, viewsets.ModelViewSet):
    serializer_class = ProductSerializer
    queryset = Product.objects.prefetch_related("components__component")
    required_perms = {
        "GET": ["inventory.view_product"],
        "POST": ["inventory.add_product"],
        "PUT": ["inventory.change_product"],
        "PATCH": ["inventory.change_product"],
        "DELETE": ["inventory.delete_product"],
    }
    filterset_fields = ["sku", "is_kit", "active", "barcode"]
    search_fields = ["sku", "name", "barcode"]
    ordering_fields = ["sku", "name", "unit_cost"]


class WarehouseViewSet(InventoryAPI, viewsets.ReadOnlyModelViewSet):
    serializer_class = WarehouseSerializer
    required_perms = {"GET": ["inventory.view_warehouse"]}
    filterset_fields = ["code", "province", "active"]

    def get_queryset(self) -> Any:
        return Warehouse.objects.restrict(self.request.user)


class StockViewSet(InventoryAPI, viewsets.ReadOnlyModelViewSet):
    """Stock per SKU x warehouse. Filters: sku, warehouse (code), location, available_lt, in_transit."""

    serializer_class = StockSerializer
    required_perms = {"GET": ["inventory.view_stock"]}
    filter_backends: list = []
    query_serializer = StockQuery

    def get_queryset(self) -> Any:
        qs = Stock.objects.restrict(self.request.user).select_related("product", "warehouse", "location")
        p = getattr(self, "query", {})
        if "sku" in p:
            qs = qs.filter(product=p["sku"])
        if p.get("q"):
            qs = qs.filter(Q(product__sku__icontains=p["q"]) | Q(product__name__icontains=p["q"]))
        if "warehouse" in p:
            qs = qs.filter(warehouse=p["warehouse"])
        if p.get("location"):
            qs = qs.filter(location__code=p["location"])
        if p.get("available_lt") is not None:
            qs = qs.filter(on_hand__lt=F("reserved") + p["available_lt"])
        if p.get("in_transit") is not None:
            qs = qs.filter(in_transit__gt=0) if p["in_transit"] else qs.filter(in_transit=0)
        return qs.order_by("product__sku", "warehouse__priority")


class MoveViewSet(InventoryAPI, viewsets.ReadOnlyModelViewSet):
    serializer_class = MoveSerializer
    required_perms = {"GET": ["inventory.view_stockmove"]}
    filter_backends: list = []
    query_serializer = MoveQuery

    def get_queryset(self) -> Any:
        qs = StockMove.objects.restrict(self.request.user).select_related("product", "warehouse")
        p = getattr(self, "query", {})
        for param, lookup in (("kind", "kind"), ("sku", "product"), ("warehouse", "warehouse"),
                              ("ref_type", "ref_type"), ("ref_id", "ref_id")):  # fmt: skip
            if param in p:
                qs = qs.filter(**{lookup: p[param]})
        return qs


class AlertViewSet(InventoryAPI, viewsets.ReadOnlyModelViewSet):
    serializer_class = AlertSerializer
    required_perms = {"GET": ["monitoring.view_alert"]}
    filterset_fields = ["state"]

    def get_queryset(self) -> Any:
        from oms.monitoring import selectors as alert_selectors

        return alert_selectors.for_user(self.request.user).filter(kind=AlertKind.LOW_STOCK)


class _StockChange(InventoryAPI, APIView):
    required_perms = {"POST": ["inventory.add_stockmove"]}
    kind = "receipt"

    @extend_schema(request=StockChangeSerializer, responses=MoveSerializer)
    def post(self, request: Request) -> Response:
        body = StockChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        product = Product.objects.filter(sku=d["sku"]).first()
        warehouse = Warehouse.objects.restrict(request.user).filter(code=d["warehouse"]).first()
        if product is None or warehouse is None:
            return error_response(
                "invalid",
                "Unknown SKU or warehouse.",
                fields={k: ["not found"] for k, v in (("sku", product), ("warehouse", warehouse)) if v is None},
            )
        try:
            if self.kind == "receipt":
                move = actions.receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=d["quantity"],
                                       actor=_actor(request), reason=d["reason"])  # fmt: skip
            else:
                move = actions.adjust(product_id=product.pk, warehouse_id=warehouse.pk, quantity=d["quantity"],
                                      actor=_actor(request), reason=d["reason"])  # fmt: skip
        except InsufficientStock as exc:
            return error_response("insufficient_stock", str(exc), status.HTTP_409_CONFLICT)
        return Response(MoveSerializer(move).data, status=status.HTTP_201_CREATED)


class ReceiptView(_StockChange):
    kind = "receipt"


class AdjustmentView(_StockChange):
    kind = "adjust"


class TransferPlanViewSet(InventoryAPI, viewsets.ReadOnlyModelViewSet):
    """Transfer plans; POST propose/ and POST {id}/<action>/ move them through their lifecycle."""

    serializer_class = TransferPlanSerializer
    required_perms = {"GET": ["inventory.view_transferplan"], "POST": ["inventory.change_transferplan"],
                      "PATCH": ["inventory.change_transferplan"]}  # fmt: skip
    filterset_fields = ["status"]

    def get_queryset(self) -> Any:
        # A limited user sees the plans, and the lines of them, that touch their warehouses.
        lines = TransferLine.objects.restrict(self.request.user).select_related("product", "source", "destination")
        return TransferPlan.objects.restrict(self.request.user).prefetch_related(Prefetch("lines", queryset=lines))

    def _plan(self, op: str, line_ids: Any = ()) -> TransferPlan:
        """The plan of the URL (404 outside the user's scope), once the user's warehouses cover `op`."""
        plan = self.get_object()
        scopes.ensure_plan_action(self.request.user, plan, op, line_ids)
        return plan

    def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Response:
        try:
            plan = fn(*args, **kwargs)
        except InsufficientStock as exc:
            return error_response("insufficient_stock", str(exc), status.HTTP_409_CONFLICT)
        return Response(TransferPlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=None, responses={201: TransferPlanSerializer, 200: None})
    @action(detail=False, methods=["post"])
    def propose(self, request: Request) -> Response:
        plan = actions.propose_transfer_plan(
            actor=_actor(request),
            note=str(_data(request).get("note", "")),
            warehouse_ids=scopes.warehouse_ids(request.user),
        )
        if plan is None:
            return Response({"plan": None, "message": "Nothing needs to move."})
        return Response(
            TransferPlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: int) -> Response:
        return self._run(actions.approve_transfer, self._plan("approve").pk, _actor(request))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: int) -> Response:
        return self._run(actions.reopen_transfer, self._plan("reopen").pk, _actor(request))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_plan(self, request: Request, pk: int) -> Response:
        return self._run(actions.dispatch_transfer, self._plan("dispatch").pk, _actor(request))

    @extend_schema(request=inline_serializer("TransferReceive", {"lines": serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=validators.INT_MAX),
        help_text="line id -> units received now")}))  # fmt: skip
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: int) -> Response:
        self.get_object()  # 404 before the body is read
        lines = _data(request).get("lines") or {}
        if not isinstance(lines, dict):
            return error_response("invalid", 'Send {"lines": {line_id: quantity}}.')
        try:
            received = {int(k): int(v) for k, v in lines.items()}
        except (TypeError, ValueError):
            return error_response("invalid", "Line ids and quantities must be whole numbers.")
        return self._run(actions.receive_transfer, self._plan("receive", received).pk, received, _actor(request))

    @extend_schema(request=inline_serializer("TransferReason", {"reason": serializers.CharField()}))
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: int) -> Response:
        return self._run(
            actions.close_transfer, self._plan("close").pk, _actor(request), str(_data(request).get("reason", ""))
        )

    @extend_schema(request=inline_serializer("TransferCancel", {"reason": serializers.CharField(required=False)}))
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        return self._run(actions.cancel_transfer, self._plan("cancel").pk, _actor(request),
                         reason=str(_data(request).get("reason", "")))  # fmt: skip


class TransferLineView(InventoryAPI, generics.GenericAPIView):
    """PATCH {"quantity": n} on a draft plan's line (0 removes it)."""

    required_perms = {"PATCH": ["inventory.change_transferplan"]}
    serializer_class = TransferLineSerializer

    @extend_schema(
        request=inline_serializer(
            "TransferLineEdit", {"quantity": serializers.IntegerField(min_value=0, max_value=validators.INT_MAX)}
        )
    )
    def patch(self, request: Request, pk: int) -> Response:
        line = get_object_or_404(TransferLine.objects.restrict(request.user).select_related("plan"), pk=pk)
        scopes.ensure_plan_action(request.user, line.plan, "edit")
        qty = bounded.integer(_data(request), "quantity", low=0)  # beyond the column: 400, not a 500 on save
        if qty is None:
            return error_response("invalid", "quantity must be a whole number.", fields={"quantity": ["invalid"]})
        line = actions.edit_transfer_line(line_id=pk, quantity=qty, actor=_actor(request))
        if line is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TransferLineSerializer(line).data)
