"""The warehouse's hand-over of orders, in the inventory module where the warehouse works:
/api/v1/inventory/orders/{id}/allocate/ (a confirmed order taken for picking) and
/release-allocation/ (handed back). Who may: the actions' one permission in the order lifecycle
table; the order actions (oms.orders.actions) guard, lock and record."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oms.core.actor import Actor
from oms.core.api import ModulePermission, StrictQueryParams, error_response
from oms.orders import actions as order_actions
from oms.orders import selectors, workflow


class HandOverIn(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The order version you looked at (optional).")


class HandOverOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()


class _HandOver(StrictQueryParams, APIView):
    permission_classes = [ModulePermission]
    module = "inventory"
    command = ""  # a key of oms.orders.workflow.COMMANDS

    def act(self, order_id: int, actor: Actor, version: int | None) -> Any:
        raise NotImplementedError

    def handle(self, request: Request, pk: int) -> Response:
        if not workflow.may_command(request.user, self.command):
            raise PermissionDenied
        order = get_object_or_404(selectors.orders_for(request.user), pk=pk)
        body = HandOverIn(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        try:
            order = self.act(order.pk, Actor.from_request(request), body.validated_data.get("version"))
        except workflow.TransitionNotAllowed as exc:
            current = selectors.orders_for(request.user).filter(pk=pk).values_list("status", flat=True).first()
            if workflow.command_applies(current or "", self.command):
                return error_response("permission_denied", str(exc), status.HTTP_403_FORBIDDEN)
            return error_response("conflict", str(exc), status.HTTP_409_CONFLICT)
        except order_actions.StaleVersion as exc:
            return error_response("stale_version", str(exc), status.HTTP_409_CONFLICT)
        return Response({"id": order.pk, "number": order.number, "status": order.status, "version": order.version})


class AllocateView(_HandOver):
    command = "allocate"

    def act(self, order_id: int, actor: Actor, version: int | None) -> Any:
        return order_actions.allocate_order(order_id=order_id, actor=actor, version=version)

    @extend_schema(request=HandOverIn, responses=HandOverOut, operation_id="inventory_order_allocate")
    def post(self, request: Request, pk: int) -> Response:
        """Take a confirmed order for picking (allocated)."""
        return self.handle(request, pk)


class ReleaseAllocationView(_HandOver):
    command = "release_allocation"

    def act(self, order_id: int, actor: Actor, version: int | None) -> Any:
        return order_actions.release_allocation(order_id=order_id, actor=actor, version=version)

    @extend_schema(request=HandOverIn, responses=HandOverOut, operation_id="inventory_order_release_allocation")
    def post(self, request: Request, pk: int) -> Response:
        """Hand an allocated order back (confirmed again)."""
        return self.handle(request, pk)
