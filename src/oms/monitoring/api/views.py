"""Alerts REST API (read, acknowledge, resolve); the full alerts API and escalation come with the
monitoring issue. Reads go through selectors.for_user; writes call monitoring.actions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api import ModulePermission, StrictQueryParams
from oms.monitoring import actions, selectors
from oms.monitoring.kinds import ACTIVE_STATES, AlertKind, AlertState, Severity
from oms.monitoring.models import Alert


class AlertSerializer(serializers.ModelSerializer):
    message = serializers.CharField(read_only=True)
    subject_type = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "kind", "severity", "state", "message", "subject_type", "subject_id", "subject_key", "cause",
            "params", "channel_id", "warehouse_id", "assignee_role", "assignee_user", "opened_at", "last_seen_at",
            "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by", "resolution_note",
        ]  # fmt: skip

    def get_subject_type(self, alert: Alert) -> str:
        ct = alert.subject_type
        return f"{ct.app_label}.{ct.model}" if ct else ""


class AlertQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AlertKind.choices, required=False)
    state = serializers.ChoiceField(choices=[*AlertState.choices, ("active", "open or acknowledged")], required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)


NOTE = inline_serializer("AlertNote", {"note": serializers.CharField(required=False, allow_blank=True)})


class AlertViewSet(StrictQueryParams, viewsets.ReadOnlyModelViewSet):
    """Alerts the user may see (their data scope, the kinds of the modules they open). Filters: `kind`,
    `state` (open, acknowledged, resolved, or active = open or acknowledged), `severity`."""

    serializer_class = AlertSerializer
    permission_classes: Any = [ModulePermission]
    module = "monitoring"
    required_perms = {"GET": ["monitoring.view_alert"], "POST": ["monitoring.view_alert"]}
    filter_backends: list = []
    query_serializer = AlertQuery

    def get_queryset(self) -> Any:
        qs = selectors.for_user(self.request.user).select_related("subject_type")
        for name, value in getattr(self, "query", {}).items():
            qs = qs.filter(state__in=ACTIVE_STATES) if value == "active" else qs.filter(**{name: value})
        return qs

    def _act(self, request: Request, fn: Any) -> Response:
        alert = self.get_object()
        note = str((request.data or {}).get("note", ""))[:2000] if isinstance(request.data, dict) else ""
        done = fn(alert_id=alert.pk, actor=Actor.from_request(request), user=request.user, note=note)
        return Response(AlertSerializer(done).data)

    @extend_schema(request=NOTE, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, actions.acknowledge)

    @extend_schema(request=NOTE, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, actions.resolve)
