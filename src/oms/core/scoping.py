"""Data scopes: a user may be limited to some channels and/or warehouses.

One mechanism for every list, detail, API endpoint and export: a model declares which of its
fields carry a scope (`scope_fields = {"channel": "channel", "warehouse": "warehouse"}`, values are
lookup paths), its manager uses `ScopedQuerySet`, and readers call `.restrict(user)`. A tuple of paths
means "any of them": a transfer line or lane is in scope when either end is (`("source_id",
"destination_id")`). A model whose rule is not a lookup (a transfer plan: any of its lines) gives its
queryset its own `restrict`. A model whose rows are not always tied to a dimension lists it in
`scope_optional`: a row with none there is in every scope along it (an alert about a product, not about
one channel). What each scope lets a person see and change: docs/data-scopes.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class UserScope:
    channel_ids: frozenset[int] | None = None  # None: every channel
    warehouse_ids: frozenset[int] | None = None  # None: every warehouse

    @property
    def unrestricted(self) -> bool:
        return self.channel_ids is None and self.warehouse_ids is None


def scope_of(user: Any) -> UserScope:
    if user is None or not getattr(user, "is_authenticated", False):
        return UserScope(frozenset(), frozenset())
    if user.is_superuser:
        return UserScope()
    cached = getattr(user, "_oms_scope", None)
    if cached is not None:
        return cached
    # Two small queries on the M2M tables (no profile row fetch); cached on the user object, which
    # lives for one request.
    profile_model = apps.get_model("accounts", "UserProfile")
    channels = frozenset(
        profile_model.channels.through.objects.filter(userprofile__user_id=user.pk).values_list("channel_id", flat=True)
    )
    warehouses = frozenset(
        profile_model.warehouses.through.objects.filter(userprofile__user_id=user.pk).values_list(
            "warehouse_id", flat=True
        )
    )
    scope = UserScope(channels or None, warehouses or None)
    user._oms_scope = scope
    return scope


def restrict(queryset: models.QuerySet, user: Any) -> models.QuerySet:
    if user is None or not getattr(user, "is_authenticated", False):
        return queryset.none()
    scope = scope_of(user)
    fields: dict[str, str | tuple[str, ...]] = getattr(queryset.model, "scope_fields", {})
    optional: frozenset[str] = getattr(queryset.model, "scope_optional", frozenset())
    for dimension, path in fields.items():
        ids = getattr(scope, f"{dimension}_ids")
        if ids is not None:
            condition = Q()
            for one in (path,) if isinstance(path, str) else path:
                condition |= Q(**{f"{one}__in": ids})
                if dimension in optional:
                    condition |= Q(**{f"{one}__isnull": True})
            queryset = queryset.filter(condition)
    return queryset


def within(user: Any, dimension: str, *ids: int | None) -> bool:
    """True when every one of `ids` (warehouse or channel ids) lies inside the user's scope."""
    allowed = getattr(scope_of(user), f"{dimension}_ids")
    return allowed is None or all(i in allowed for i in ids)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user: Any) -> ScopedQuerySet:
        return restrict(self, user)  # type: ignore[return-value]


def get_in_scope_or_404(queryset: models.QuerySet | type[models.Model], user: Any, **lookup: Any) -> Any:
    """The one object matching `lookup` among those `user` may see; 404 otherwise (also when it
    exists outside the user's scope, so ids of other warehouses/channels are not revealed)."""
    from django.shortcuts import get_object_or_404

    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    return get_object_or_404(restrict(queryset, user), **lookup)
