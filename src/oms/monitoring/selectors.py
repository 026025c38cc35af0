"""Read queries on alerts for views, API, dashboard tiles and the areas that show alerts beside their
own records (the orders list, the review page)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from oms.monitoring.kinds import ACTIVE_STATES, visible_kinds
from oms.monitoring.models import Alert


def for_user(user: Any) -> QuerySet[Alert]:
    """The alerts `user` may see: in their data scope, of the kinds of the modules they open."""
    return Alert.objects.restrict(user).filter(kind__in=visible_kinds(user))


def active(kind: str) -> QuerySet[Alert]:
    return Alert.objects.filter(kind=kind, state__in=ACTIVE_STATES)


def active_about(kind: str, model: str, ids: Iterable[int] | QuerySet) -> QuerySet[Alert]:
    """Active alerts of `kind` whose subject is a row of `model` ("orders.order") among `ids` (a list or a
    queryset of ids, used as a subquery)."""
    from django.contrib.contenttypes.models import ContentType

    app_label, name = model.split(".")
    ct = ContentType.objects.get_by_natural_key(app_label, name)
    return active(kind).filter(subject_type=ct, subject_id__in=ids)


def active_by_key(kind: str, subject_keys: Iterable[str]) -> dict[tuple[str, str], Alert]:
    """Active alerts of `kind` about these subjects, by (subject_key, cause): for code that decides
    between raising and clearing (read inside its transaction)."""
    rows = active(kind).filter(subject_key__in=list(subject_keys)).order_by()
    return {(a.subject_key, a.cause): a for a in rows}


def count_active(user: Any, kind: str) -> int:
    return for_user(user).filter(kind=kind, state__in=ACTIVE_STATES).count()
