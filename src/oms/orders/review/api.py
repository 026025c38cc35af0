"""REST endpoints of review and confirmation: /api/v1/orders/{id}/approve/, reject/, hold/,
release/, confirm/, cancel/, merge/, split/. Each lets in a person holding the permission of one
of its actions (oms.orders.workflow.COMMANDS), then calls the action, whose guard decides; a
refused action changes nothing (403), a conflicting one gets 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oms.core import bounded
from oms.core.actor import Actor
from oms.core.api import ModulePermission, StrictQueryParams, error_response
from oms.core.scoping import get_in_scope_or_404
from oms.orders import workflow
from oms.orders.choices import OrderStatus
from oms.orders.models import Order
from oms.orders.review import actions
from oms.orders.review.models import RejectReason


class _Versioned(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The order version you looked at (optional).")


class ApproveIn(_Versioned):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectIn(_Versioned):
    reason_code = serializers.ChoiceField(choices=RejectReason.choices)
    text = serializers.CharField(required=False, allow_blank=True, default="")


class HoldIn(_Versioned):
    reason = serializers.CharField()
    release_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReleaseIn(_Versioned):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CancelIn(_Versioned):
    reason = serializers.CharField()


class MergeIn(serializers.Serializer):
    orders = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=bounded.BIGINT_MAX),
        help_text="The other orders to merge with.",
    )


class SplitIn(_Versioned):
    mode = serializers.ChoiceField(choices=[("warehouse", "warehouse"), ("availability", "availability")])


class OrderStateOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    version = serializers.IntegerField()
    tracking_number = serializers.CharField(allow_null=True)


def state(order: Order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "version": order.version,
        "tracking_number": order.tracking_number,
    }


class _OrderAction(StrictQueryParams, APIView):
    permission_classes = [ModulePermission]
    module = "orders"
    command = ""  # a key of workflow.COMMANDS: the actions this endpoint takes, and so who may call it
    serializer: type[serializers.Serializer] = _Versioned

    # Each endpoint below sets `run` to the one action it performs.
    run: Callable[[Order, Actor, dict[str, Any]], Any]  # bound: called as self.run(...)

    def post(self, request: Request, pk: int) -> Response:
        if not workflow.may_command(request.user, self.command):
            raise PermissionDenied
        order = get_in_scope_or_404(Order.objects.all(), request.user, pk=pk)
        body = self.serializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        try:
            result = self.run(order, Actor.from_request(request), dict(body.validated_data))
        except workflow.TransitionNotAllowed as exc:
            current = Order.objects.filter(pk=pk).values_list("status", flat=True).first() or ""
            if workflow.command_applies(current, self.command):
                return error_response("permission_denied", str(exc), status.HTTP_403_FORBIDDEN)
            return error_response("conflict", str(exc), status.HTTP_409_CONFLICT)
        except actions.StaleVersion as exc:
            return error_response("stale_version", str(exc), status.HTTP_409_CONFLICT)
        except actions.ActionRefused as exc:
            return error_response("refused", str(exc), status.HTTP_400_BAD_REQUEST)
        except DjangoValidationError as exc:
            raise DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return Response(result)


def _view(name: str, ser: type[serializers.Serializer], run: Any) -> type[_OrderAction]:
    cls = type(
        f"{name.title()}OrderView",
        (_OrderAction,),
        {"command": name, "serializer": ser, "run": run, "__doc__": run.__doc__},
    )

    def post(self: Any, request: Request, pk: int) -> Response:
        return _OrderAction.post(self, request, pk)

    # a function of its own per view: extend_schema marks the function it is given
    cls.post = extend_schema(request=ser, responses=OrderStateOut, operation_id=f"orders_{name}")(post)  # type: ignore[attr-defined]
    return cls


def _approve(self: Any, order: Order, actor: Actor, d: dict[str, Any]) -> Any:
    """Approve (reviewer; a finance reviewer for orders in finance review)."""
    return state(actions.approve_order(order_id=order.pk, actor=actor, version=d.get("version"), note=d["note"]))


def _reject(self: Any, order: Order, actor: Actor, d: dict[str, Any]) -> Any:
    """Reject with a reason code: back to the clerks' correction queue."""
    return state(
        actions.reject_order(
            order_id=order.pk, actor=actor, reason_code=d["reason_code"], text=d["text"], version=d.get("version")
        )
    )


def _hold(self: Any, order: Order, actor: Actor, d: dict[str, Any]) -> Any:
    """Hold with a reason and an optional automatic release time."""
    return state(
        actions.hold_order(
            order_id=order.pk, actor=actor, reason=d["reason"], release_at=d["release_at"], version=d.get("version")
        )
    )


def _release(self: Any, order: Order, actor: Actor, d: dict[str, Any]) -> Any:
    """Release a held order back to review."""
    return state(actions.release_order(order_id=order.pk, actor=actor, note=d["note"], version=d.get("version")))


def _confirm(self: Any, order: Order, actor: Actor, d: dict[str, Any]) -> Any:
    """Confirm: re-check, delivery check, reserve stock, tracking number (or awaiting stock)."""
    return state(actions.confirm_order(order_id=order.pk, actor=actor, version=d.get("version")))


def _cancel(self: Any, order: Order, actor: Actor, d: dict[str, Any]) -> Any:
    """Cancel before shipping, releasing reserved stock."""
    return state(actions.cancel_order(order_id=order.pk, actor=actor, reason=d["reason"], version=d.get("version")))


def _merge(self: Any, order: Order, actor: Actor, d: dict[str, Any]) -> Any:
    """Merge this order with others of the same customer, address and shop into one shipment group."""
    others = [o.pk for o in Order.objects.restrict(self.request.user).filter(pk__in=d["orders"])]
    if len(others) != len(set(d["orders"])):
        raise DRFValidationError({"orders": [_("Unknown order.")]})
    group = actions.merge_orders(order_ids=[order.pk, *others], actor=actor)
    return {"group": group.number, "orders": sorted(group.orders.values_list("pk", flat=True))}


def _split(self: Any, order: Order, actor: Actor, d: dict[str, Any]) -> Any:
    """Split by warehouse or by availability; returns every resulting order."""
    parts = actions.split_order(order_id=order.pk, actor=actor, mode=d["mode"], version=d.get("version"))
    return {"orders": [state(p) for p in parts]}


ApproveView = _view("approve", ApproveIn, _approve)
RejectView = _view("reject", RejectIn, _reject)
HoldView = _view("hold", HoldIn, _hold)
ReleaseView = _view("release", ReleaseIn, _release)
ConfirmView = _view("confirm", _Versioned, _confirm)
CancelView = _view("cancel", CancelIn, _cancel)
MergeView = _view("merge", MergeIn, _merge)
SplitView = _view("split", SplitIn, _split)

urlpatterns = [
    path(f"orders/<int:pk>/{name}/", view.as_view(), name=f"order-{name}")
    for name, view in [
        ("approve", ApproveView),
        ("reject", RejectView),
        ("hold", HoldView),
        ("release", ReleaseView),
        ("confirm", ConfirmView),
        ("cancel", CancelView),
        ("merge", MergeView),
        ("split", SplitView),
    ]
]
