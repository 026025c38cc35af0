"""Monitoring console: the alerts list (filters by kind, state, severity), one alert with its history,
and the acknowledge / resolve buttons. Views parse input, check permission and call actions; every
read goes through selectors.for_user (data scope and the kinds of the modules the user opens)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from oms.core.actor import Actor
from oms.core.permissions import module_required
from oms.monitoring import actions, selectors, workflow
from oms.monitoring.kinds import ACTIVE_STATES, KINDS, AlertKind, AlertState, Severity, visible_kinds
from oms.monitoring.models import Alert

M = "monitoring"
PAGE_SIZE = 50
# The state filter: "active" (open or acknowledged, the default), one state, or everything.
STATE_FILTERS = ("active", *AlertState.values, "all")


def _subject_url(alert: Alert) -> str:
    k = KINDS.get(alert.kind)
    if not (k and k.subject_url and alert.subject_id):
        return ""
    try:
        return reverse(k.subject_url, args=[alert.subject_id])
    except NoReverseMatch:
        return ""


def _row(request: HttpRequest, alert: Alert) -> dict[str, Any]:
    """An alert with the buttons this user may press and the link to its subject."""
    return {"alert": alert, "actions": workflow.allowed_actions(alert.state, request.user), "url": _subject_url(alert)}


@module_required(M, ["monitoring.view_alert"])
def alert_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.for_user(request.user).select_related("assignee_user")
    kinds = visible_kinds(request.user)
    kind = request.GET.get("kind", "")
    if kind in kinds:
        qs = qs.filter(kind=kind)
    state = request.GET.get("state", "active")
    if state == "active" or state not in STATE_FILTERS:
        state = "active"
        qs = qs.filter(state__in=ACTIVE_STATES)
    elif state != "all":
        qs = qs.filter(state=state)
    severity = request.GET.get("severity", "")
    if severity in Severity.values:
        qs = qs.filter(severity=severity)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_row(request, alert) for alert in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/alerts.html",
        {
            "page": page,
            "rows": rows,
            "kinds": [(k, AlertKind(k).label) for k in kinds],
            "states": [("active", None), *AlertState.choices, ("all", None)],
            "severities": Severity.choices,
            "kind": kind,
            "state": state,
            "severity": severity,
            "query": query.urlencode(),
        },
    )


@module_required(M, ["monitoring.view_alert", "monitoring.view_alertevent"])
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(selectors.for_user(request.user).select_related("assignee_user"), pk=pk)
    return render(request, "monitoring/alert.html", {**_row(request, alert), "events": alert.events.all()})


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("monitoring:alerts")
    return redirect(target)


@module_required(M, ["monitoring.view_alert"])
@require_POST
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """acknowledge / resolve one alert the user can see (the action checks the edge's permission)."""
    alert = get_object_or_404(selectors.for_user(request.user), pk=pk)
    note = (request.POST.get("note") or "").strip()[:2000]
    actor = Actor.from_request(request)
    try:
        if action == "acknowledge":
            actions.acknowledge(alert_id=alert.pk, actor=actor, user=request.user, note=note)
        elif action == "resolve":
            actions.resolve(alert_id=alert.pk, actor=actor, user=request.user, note=note)
        else:
            raise PermissionDenied
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return _back(request)
