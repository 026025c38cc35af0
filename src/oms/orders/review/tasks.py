"""Thin Huey wrappers: automatic review in the background, confirmation when stock arrives or after
approval, and the periodic release of holds whose time has come."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from oms.core.actor import Actor
from oms.orders import workflow
from oms.orders.review import actions
from oms.system import params

log = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=5)
def auto_review_task(order_id: int) -> None:
    actions.auto_review(order_id)


@db_task()
def auto_review_many_task(order_ids: list[int]) -> None:
    """Review a chunk of orders, each in its own transaction; an order that fails is handed to its
    own retrying task so that it neither blocks nor re-runs the others."""
    for order_id in order_ids:
        try:
            actions.auto_review(order_id)
        except Exception:
            log.exception("automatic review of order %s failed; retrying alone", order_id)
            auto_review_task(order_id)


@db_task(retries=2, retry_delay=5)
def stock_arrived_task(product_ids: list[int]) -> None:
    actions.retry_awaiting_stock(set(product_ids))


@db_task(retries=2, retry_delay=5)
def confirm_task(order_id: int) -> None:
    try:
        actions.confirm_order(order_id=order_id, actor=Actor.system("auto-confirm"))
    except workflow.TransitionNotAllowed:
        return  # someone else moved it on meanwhile
    except actions.ActionRefused as exc:  # it needs a person: say why on its timeline
        actions.note_refusal(order_id, "auto_confirm_refused", exc)


@db_periodic_task(crontab(minute="*"))
def release_due_holds_task() -> None:
    actions.release_due_holds()


def after_approval(order_id: int) -> None:
    """After an approval commits (orders.hooks.on_approved): merge by rule and confirm automatically
    when the parameters say so."""
    if params.get("workflow.auto_merge"):
        try:
            actions.auto_merge(order_id)
        except Exception:  # a failed merge must not stop confirmation
            log.exception("auto merge of order %s failed", order_id)
    if params.get("workflow.auto_confirm"):
        confirm_task(order_id)
