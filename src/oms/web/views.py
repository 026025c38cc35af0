from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from oms import __version__
from oms.core.models import WorkerHeartbeat
from oms.core.permissions import PUBLIC, declare_access, module_required
from oms.web.modules import MODULE_CODES, MODULES, visible_sections

HEARTBEAT_STALE = timedelta(minutes=3)


@declare_access(PUBLIC)
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
    from oms.core.roles import role_label
    from oms.web.dashboard import dashboard_panels, sign_in_chart

    user = request.user
    modules = [
        {"module": m, "sections": visible_sections(user, m.code)}
        for m in MODULES
        if m.code != "dashboard" and user.has_perm(f"core.access_{m.code}")
    ]
    context = {
        "panels": dashboard_panels(user),
        "roles": [role_label(g) for g in user.groups.values_list("name", flat=True)],  # type: ignore[union-attr]
        "modules": modules,
        "sign_in_chart": sign_in_chart() if user.has_perm("accounts.view_loginrecord") else None,
    }
    return render(request, "web/dashboard.html", context)


@login_required
def module(request: HttpRequest, code: str) -> HttpResponse:
    if code not in MODULE_CODES or code == "dashboard":
        raise Http404
    if not request.user.has_perm(f"core.access_{code}"):
        raise PermissionDenied
    label = next(m.label for m in MODULES if m.code == code)
    return render(request, "web/module.html", {"module_label": label, "sections": visible_sections(request.user, code)})


module.oms_module_kwarg = "code"  # type: ignore[attr-defined]  # the module is named by the URL


@declare_access(PUBLIC)
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in user the choice is kept on the profile."""
    lang = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(lang):
        from oms.accounts.models import UserProfile

        UserProfile.objects.update_or_create(user=request.user, defaults={"language": lang})
    return django_set_language(request)


# --- Error pages: the console layout for people, the one JSON error format for /api/ ----------------


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error(request: HttpRequest, status: int, code: str, title: str, message: str) -> HttpResponse:
    from oms.core.api import error_body

    if _is_api(request):
        return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})
    try:
        return render(request, "web/error.html", {"status": status, "title": title, "message": message}, status=status)
    except Exception:  # noqa: BLE001 - the layout needs the database; an error page must still answer
        return render(
            request, "web/error_plain.html", {"status": status, "title": title, "message": message}, status=status
        )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "bad_request", _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        "permission_denied",
        _("Not allowed"),
        _("Your role does not allow this page or action. Ask an administrator if you need it."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found"), _("There is nothing at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        "server_error",
        _("Something went wrong"),
        _("The server could not complete the request. It was logged; please try again or tell an administrator."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        "csrf_failed",
        _("Form expired"),
        _("The form was open too long or came from another site. Go back, reload the page and try again."),
    )
