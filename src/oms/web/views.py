from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from oms import __version__
from oms.core.models import WorkerHeartbeat
from oms.core.permissions import module_required
from oms.web.modules import MODULE_CODES, MODULES, visible_sections

HEARTBEAT_STALE = timedelta(minutes=3)


def healthz(request: HttpRequest) -> JsonResponse:
    """Database reachable and a worker seen recently: 200, else 503. For load balancers and monitors."""
    body: dict = {"version": __version__, "database": "ok", "worker": "ok"}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - report, never raise, from a health check
        body["database"] = f"error: {exc.__class__.__name__}"
        return JsonResponse(body, status=503)
    beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    if beat is None:
        body["worker"] = "never seen"
        healthy = False
    else:
        age = timezone.now() - beat.last_seen
        body["worker_last_seen"] = beat.last_seen.isoformat()
        body["worker_age_seconds"] = int(age.total_seconds())
        if age > HEARTBEAT_STALE:
            body["worker"] = "stale"
            healthy = False
    body["status"] = "ok" if healthy else "degraded"
    return JsonResponse(body, status=200 if healthy else 503)


@module_required("dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    from oms.web.dashboard import dashboard_panels

    return render(request, "web/dashboard.html", {"panels": dashboard_panels(request.user)})


@login_required
def module(request: HttpRequest, code: str) -> HttpResponse:
    if code not in MODULE_CODES or code == "dashboard":
        raise Http404
    if not request.user.has_perm(f"core.access_{code}"):
        raise PermissionDenied
    label = next(m.label for m in MODULES if m.code == code)
    return render(request, "web/module.html", {"module_label": label, "sections": visible_sections(request.user, code)})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in user the choice is kept on the profile."""
    lang = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(lang):
        from oms.accounts.models import UserProfile

        UserProfile.objects.update_or_create(user=request.user, defaults={"language": lang})
    return django_set_language(request)
