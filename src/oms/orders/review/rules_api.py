"""REST endpoints for the review rule set and the blacklist (/api/v1/review-rules/, /api/v1/blacklist/).
Input is validated by the console's forms (ReviewRuleForm, BlacklistForm), changes go through the
review actions (operation log included)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api import ModulePermission, StrictQueryParams
from oms.core.scoping import restrict
from oms.orders.review import actions
from oms.orders.review.forms import BlacklistForm, ReviewRuleForm
from oms.orders.review.models import BlacklistEntry, BlacklistKind, ReviewRule
from oms.orders.review.rules import KINDS, OUTCOMES

RULE_FIELDS = [
    "code", "kind", "outcome", "params", "enabled", "position",
    "description", "description_zh_hans", "description_zh_hant",
]  # fmt: skip


class ReviewRuleSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=[(k, str(v[0])) for k, v in KINDS.items()])
    outcome = serializers.ChoiceField(choices=[(k, str(v)) for k, v in OUTCOMES])
    params = serializers.DictField(required=False, help_text="The check's parameters; empty for its defaults.")
    label = serializers.CharField(  # type: ignore[assignment]  # DRF Field has a "label" attribute
        source="localized_description", read_only=True, help_text="The description in the caller's language."
    )

    class Meta:
        model = ReviewRule
        fields = ["id", *RULE_FIELDS, "label", "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs: dict[str, Any] = {
            "code": {"validators": []}
        }  # uniqueness: the form says it, in the console's words


class ReviewRuleViewSet(StrictQueryParams, viewsets.ModelViewSet):
    """The review rule set in the order it runs (position). The same validation as the console."""

    permission_classes = [ModulePermission]
    module = "orders"
    serializer_class = ReviewRuleSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    required_perms = {
        "GET": ["orders.view_reviewrule"],
        "POST": ["orders.add_reviewrule"],
        "PATCH": ["orders.change_reviewrule"],
        "DELETE": ["orders.delete_reviewrule"],
    }
    filterset_fields = ["kind", "outcome", "enabled"]

    def get_queryset(self) -> Any:
        return restrict(ReviewRule.objects.all(), self.request.user)

    def _save(self, request: Request, rule: ReviewRule | None) -> Response:
        body = ReviewRuleSerializer(rule, data=request.data, partial=rule is not None)
        body.is_valid(raise_exception=True)
        values = {f: getattr(rule or ReviewRule(), f) for f in RULE_FIELDS}  # a new rule: the model's defaults
        values.update(body.validated_data)
        values["params"] = json.dumps(values.get("params") or {}, ensure_ascii=False)
        form = ReviewRuleForm({k: v for k, v in values.items() if v is not None}, instance=rule)
        if not form.is_valid():
            raise serializers.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        saved = actions.save_rule(rule=form.save(commit=False), actor=Actor.from_request(request), created=rule is None)
        code = status.HTTP_201_CREATED if rule is None else status.HTTP_200_OK
        return Response(ReviewRuleSerializer(saved).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, None)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, self.get_object())

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, self.get_object())

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actions.delete_rule(rule_id=self.get_object().pk, actor=Actor.from_request(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlacklistSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=BlacklistKind.choices)
    created_by: Any = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = BlacklistEntry
        fields = ["id", "kind", "value", "reason", "created_by", "created_at"]
        read_only_fields = ["created_at"]
        validators: list[Any] = []  # a repeated entry is found again, as in the console


class BlacklistQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BlacklistKind.choices, required=False)
    q = serializers.CharField(required=False, max_length=100, help_text="Part of the value or reason.")


class BlacklistViewSet(
    StrictQueryParams,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Names, phones and addresses whose orders the `blacklisted` review check stops. Phones are
    stored in their national form, so +86 138 1234 8000 and 13812348000 are one entry."""

    permission_classes = [ModulePermission]
    module = "orders"
    serializer_class = BlacklistSerializer
    required_perms = {
        "GET": ["orders.view_blacklistentry"],
        "POST": ["orders.add_blacklistentry"],
        "DELETE": ["orders.delete_blacklistentry"],
    }
    filter_backends: list = []
    query_serializer = BlacklistQuery

    def get_queryset(self) -> Any:
        qs = restrict(BlacklistEntry.objects.select_related("created_by"), self.request.user)
        p = getattr(self, "query", {})
        if "kind" in p:
            qs = qs.filter(kind=p["kind"])
        if p.get("q"):
            qs = qs.filter(Q(value__icontains=p["q"]) | Q(reason__icontains=p["q"]))
        return qs

    @extend_schema(request=BlacklistSerializer, responses={201: BlacklistSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = BlacklistSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = BlacklistForm({k: v for k, v in body.validated_data.items() if v is not None})
        if not form.is_valid():
            raise serializers.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        entry = actions.add_blacklist(actor=Actor.from_request(request), user=request.user, **form.cleaned_data)
        return Response(BlacklistSerializer(entry).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actions.remove_blacklist(entry_id=self.get_object().pk, actor=Actor.from_request(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
