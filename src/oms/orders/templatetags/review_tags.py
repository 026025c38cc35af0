"""{% review_panel order %}: the review/confirmation summary on the order detail page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("orders/review/_panel.html", takes_context=True)
def review_panel(context: Any, order: Any) -> dict[str, Any]:
    from oms.orders.review.models import OrderReview
    from oms.orders.review.rules import Finding
    from oms.orders.selectors import open_shortages

    request = context["request"]
    review = OrderReview.objects.filter(order=order).first()
    fired = [f for f in (Finding.from_dict(d) for d in (review.findings if review else [])) if f.fired]
    return {
        "order": order,
        "review": review,
        "fired": fired,
        "ran": len(review.findings) if review else 0,
        "groups": list(order.merge_groups.all()),
        "shortages": open_shortages([order.pk]).get(order.pk, []),
        "request": request,
    }


@register.filter
def actor_label(event: Any) -> str:
    """{{ event|actor_label }}: who did it, in words (the system's parts translated)."""
    from oms.core.actor import actor_label as label

    return label(getattr(event, "actor_kind", ""), getattr(event, "actor_name", ""))


@register.filter
def class_label(code: str) -> str:
    """{{ code|class_label }}: an order class in words."""
    from oms.orders.events import class_labels

    return class_labels([code])[0]


@register.filter
def rule_name(name: str) -> str:
    """{{ rule.name|rule_name }}: a seeded classification rule's name in the reader's language."""
    from oms.orders.rules import rule_name as shown

    return shown(name)


@register.filter
def source_label(code: str) -> str:
    """{{ order.source|source_label }}: how the order arrived, in words."""
    from oms.orders.choices import source_label as label

    return label(code)


@register.filter
def payment_method_label(code: str) -> str:
    """{{ order.payment_method|payment_method_label }}: a known payment method in words."""
    from oms.orders.choices import payment_method_label as label

    return label(code)


@register.filter
def param_label(key: str) -> str:
    """{{ key|param_label }}: a review rule parameter's name in words."""
    from oms.orders.review.rules import param_label as label

    return label(key)


@register.filter
def rule_value(rule: Any) -> str:
    """{{ rule|rule_value }}: a classification rule's value; order types and platforms as words."""
    from oms.channels.models import Platform
    from oms.orders.choices import OrderType
    from oms.orders.models import RuleField

    words: dict[str, Any] = {}
    if rule.field == RuleField.ORDER_TYPE:
        words = dict(OrderType.choices)
    elif rule.field == RuleField.PLATFORM:
        words = dict(Platform.choices)
    if not words:
        return str(rule.value)
    return "、".join(str(words.get(v.strip(), v.strip())) for v in str(rule.value).split(","))
