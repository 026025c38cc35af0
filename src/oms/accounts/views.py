from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.accounts import actions
from oms.accounts.forms import LoginForm, LoginLogFilter, TokenForm
from oms.accounts.lockout import (
    attempts,
    cooloff_time,
    failure_limit,
    lockout_response,
    user_failure_limit,
    user_lockouts,
    user_window,
)
from oms.accounts.models import ApiToken, LoginRecord, UserProfile
from oms.core.actor import Actor
from oms.core.exports import spreadsheet
from oms.core.permissions import PUBLIC, SIGNED_IN, declare_access, module_required
from oms.core.scoping import scope_of
from oms.system.users import manageable_by

NEW_TOKEN_SESSION_KEY = "oms_new_api_token"


@declare_access(PUBLIC)
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        if getattr(self.request, "oms_user_locked", False):  # locked across addresses: say until when
            return lockout_response(self.request, credentials={"username": form.data.get("username", "")})
        return super().form_invalid(form)


@declare_access(PUBLIC)
class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.info(request, _("You have signed out."))
        return response


@declare_access(SIGNED_IN)
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("web:dashboard")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["required"] = self.request.GET.get("required") == "1"
        return context

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        UserProfile.objects.filter(user_id=int(self.request.user.pk or 0)).update(must_change_password=False)
        self.request.session["password_ok"] = True
        messages.success(self.request, _("Your password was changed."))
        return response


# --- Settings > Lockouts ---------------------------------------------------------------------------


def _limited_to(request: HttpRequest) -> set[str] | None:
    """Usernames a limited administrator manages (docs/data-scopes.md); None when not limited."""
    if scope_of(request.user).unrestricted:
        return None
    return set(manageable_by(request.user).values_list("username", flat=True))


@module_required("settings", ["accounts.view_lockouts"])
def lockouts(request: HttpRequest) -> HttpResponse:
    people = _limited_to(request)
    return render(
        request,
        "accounts/lockouts.html",
        {
            "lockouts": [a for a in attempts() if people is None or a.username in people],
            "user_lockouts": [u for u in user_lockouts() if people is None or u[0] in people],
            "user_limit": user_failure_limit(),
            "user_window_hours": round(user_window().total_seconds() / 3600, 1),
            "limit": failure_limit(),
            "cooloff_minutes": int(cooloff_time().total_seconds() // 60),
            "now": timezone.now(),
        },
    )


@module_required("settings", ["accounts.view_lockouts"])
@require_POST
def lift_lockout(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")
    ip = request.POST.get("ip") or None
    people = _limited_to(request)
    if people is not None and username not in people:
        raise Http404
    everywhere = request.POST.get("everywhere") == "1"
    try:
        actions.lift_lockout(actor=Actor.from_request(request), username=username, ip=ip, everywhere=everywhere)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The lockout of %(username)s was lifted.") % {"username": username})
    return redirect("accounts:lockouts")


# --- Settings > Sign-in log ------------------------------------------------------------------------


@module_required("settings", ["accounts.view_loginrecord"])
def login_log(request: HttpRequest) -> HttpResponseBase:
    form = LoginLogFilter(request.GET or None)
    rows = LoginRecord.objects.select_related("user")
    if not scope_of(request.user).unrestricted:
        rows = rows.filter(user__in=manageable_by(request.user))
    if request.GET:
        rows = form.apply(rows)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        headers = [_("Time"), _("Username tried"), _("User"), _("Result"), _("IP address"), _("Browser")]
        data = (
            (
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                r.username,
                r.user.get_username() if r.user else "",
                str(r.get_result_display()),
                r.ip or "",
                r.user_agent,
            )
            for r in rows.iterator(chunk_size=2000)
        )
        return spreadsheet(export, f"sign-in-log-{timezone.localdate():%Y%m%d}", headers, data)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/login_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "total": page.paginator.count},
    )


# --- Settings > API tokens -------------------------------------------------------------------------


@module_required("settings", ["accounts.manage_api_tokens"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, editor=request.user)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, key = actions.issue_token(
                actor=Actor.from_request(request), user=form.cleaned_data["user"], name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Shown once, in this response only: the key is never put in the session (or any store);
            # only its hash is kept. no-store keeps the page out of the browser's cache.
            new_token = {"key": key, "user": token.user.get_username(), "name": token.name}
            form = TokenForm(editor=request.user)
    request.session.pop(NEW_TOKEN_SESSION_KEY, None)  # a key left there by an older version
    show = request.GET.get("show", "active")
    rows = ApiToken.objects.filter(user__in=manageable_by(request.user)).select_related("user")
    if show == "active":
        rows = rows.filter(revoked_at__isnull=True)
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": rows[:500], "new_token": new_token, "show": show},
        status=400 if request.method == "POST" and not new_token else 200,
    )
    if new_token:
        response["Cache-Control"] = "no-store"
    return response


@module_required("settings", ["accounts.manage_api_tokens"])
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(ApiToken.objects.filter(user__in=manageable_by(request.user)), pk=pk)
    try:
        token = actions.revoke_token(actor=Actor.from_request(request), token_id=pk)
    except ApiToken.DoesNotExist:
        messages.error(request, _("No such token."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Token %(prefix)s… was revoked.") % {"prefix": token.prefix})
    return redirect("accounts:tokens")
