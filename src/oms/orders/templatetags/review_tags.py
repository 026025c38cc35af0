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
