"""Moves freshly created demo orders through review and confirmation, so that the demo shows orders in
every early state (approved, on hold, rejected, finance review, confirmed, awaiting stock, cancelled).
Everything goes through the real actions, as a demo reviewer and the system would."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from oms.core.actor import Actor
from oms.orders.choices import OrderStatus as S
from oms.orders.models import Order
from oms.orders.review import actions
from oms.orders.review.models import RejectReason


def advance(stdout: Any) -> None:
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return
    person = Actor.for_user(admin)
    pending = list(
        Order.objects.filter(status=S.PENDING_REVIEW, external_id__startswith="DEMO-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in pending:
        actions.auto_review(pk)
    waiting = list(
        Order.objects.filter(status=S.PENDING_REVIEW, external_id__startswith="DEMO-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in waiting[:6]:
        actions.reject_order(
            order_id=pk, actor=person, reason_code=RejectReason.ADDRESS, text="收货地址缺少门牌号,请与客户核实"
        )
    for pk in waiting[6:12]:
        actions.hold_order(order_id=pk, actor=person, reason="客户来电要求暂缓发货")
    for pk in waiting[12:40]:
        actions.approve_order(order_id=pk, actor=person)
    approved = list(
        Order.objects.filter(status=S.APPROVED, external_id__startswith="DEMO-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in approved[:5]:
        actions.cancel_order(order_id=pk, actor=person, reason="客户申请取消")
    for pk in approved[5:85]:
        actions.confirm_order(order_id=pk, actor=person)
    stdout.write(f"orders: demo review and confirmation run on {len(pending)} orders")
