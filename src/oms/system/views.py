"""Settings console: runtime parameters (with history), users, roles, backups, operation log.
Views parse input, check permission and call actions; they change nothing themselves."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.core import bounded
from oms.core.actor import Actor, actor_kind_label, actor_label
from oms.core.exports import spreadsheet
from oms.core.permissions import module_required
from oms.core.roles import GROUP_TO_ROLE, area_label, permission_label, role_label
from oms.core.scoping import scope_of
from oms.system import actions, backup, oplog, params, users
from oms.system.forms import ParameterForm, RoleForm, UserForm, field_name
from oms.system.models import BackupRun, OperationLog, ParameterRevision

User = get_user_model()
SETTINGS = "settings"


def _first_error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@module_required(SETTINGS)
def index(request: HttpRequest) -> HttpResponse:
    return redirect("web:module", code=SETTINGS)


# Runtime parameters --------------------------------------------------------------------------------


def _groups() -> list[tuple[str, Any]]:
    params.load_declarations()
    used = {p.group for p in params.REGISTRY.values()}
    return [(code, label) for code, label in params.GROUPS.items() if code in used]


@module_required(SETTINGS, ["system.view_parameter"])
def parameters(request: HttpRequest) -> HttpResponse:
    groups = _groups()
    group = request.GET.get("group") or request.POST.get("group") or groups[0][0]
    if group not in dict(groups):
        raise Http404
    if request.method == "POST":
        if not request.user.has_perm("system.change_parameter"):
            raise PermissionDenied
        form = ParameterForm(request.POST, group=group)
        if form.is_valid():
            try:
                revision = actions.save_parameters(
                    values=form.raw_values, actor=Actor.from_request(request), note=request.POST.get("note", "")
                )
            except ValidationError as exc:  # a concurrent declaration change: show it on the fields
                for key, msgs in exc.message_dict.items():
                    form.add_error(field_name(key) if field_name(key) in form.fields else None, msgs)
            else:
                if revision:
                    messages.success(request, _("Saved as revision #%(id)s.") % {"id": revision.pk})
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect(f"{reverse('system:parameters')}?group={group}")
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    else:
        form = ParameterForm(group=group)
    return render(
        request,
        "system/parameters.html",
        {
            "groups": groups,
            "group": group,
            "form": form,
            "can_change": request.user.has_perm("system.change_parameter"),
            "keys": {field_name(p.key): p.key for p in form.params},
        },
    )


def _revision_rows(revisions: Any) -> list[dict[str, Any]]:
    params.load_declarations()
    rows = []
    for rev in revisions:
        changes = []
        for key, change in sorted(rev.changes.items()):
            param = params.REGISTRY.get(key)
            changes.append(
                {
                    "key": key,
                    "label": param.label if param else key,
                    "secret": change.get("secret", False),
                    "old": change.get("old"),
                    "new": change.get("new"),
                }
            )
        rows.append({"rev": rev, "changes": changes})
    return rows


@module_required(SETTINGS, ["system.view_parameter"])
def parameter_history(request: HttpRequest) -> HttpResponse:
    revisions = ParameterRevision.objects.select_related("restored_from")
    key = request.GET.get("key", "").strip()
    if key:
        revisions = revisions.filter(changes__has_key=key)
    page = Paginator(revisions, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "system/parameter_history.html",
        {
            "page": page,
            "rows": _revision_rows(page.object_list),
            "key": key,
            "can_change": request.user.has_perm("system.change_parameter"),
        },
    )


@require_POST
@module_required(SETTINGS, ["system.change_parameter"])
def parameter_restore(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(ParameterRevision, pk=pk)
    try:
        revision = actions.restore_revision(revision_id=pk, actor=Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, _("This revision cannot be restored: %(error)s") % {"error": _first_error(exc)})
    else:
        if revision:
            messages.success(
                request, _("Revision #%(old)s restored as revision #%(new)s.") % {"old": pk, "new": revision.pk}
            )
        else:
            messages.info(request, _("The parameters already have these values."))
    return redirect("system:parameter_history")


@require_POST
@module_required(SETTINGS, ["system.change_parameter"])
def test_email(request: HttpRequest) -> HttpResponse:
    to = request.POST.get("to", "").strip()
    ok, error = actions.send_test_email(to=to, actor=Actor.from_request(request))
    return render(request, "system/_test_email_result.html", {"ok": ok, "error": error, "to": to})


# Users -----------------------------------------------------------------------------------------------


def _user_queryset(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    qs = (
        users.manageable_by(request.user)
        .select_related("profile")
        .prefetch_related("groups", "profile__channels", "profile__warehouses")
        .order_by("username")
    )
    f = {k: request.GET.get(k, "").strip() for k in ("q", "role", "active", "scope")}
    if f["q"]:
        qs = qs.filter(
            Q(username__icontains=f["q"])
            | Q(first_name__icontains=f["q"])
            | Q(last_name__icontains=f["q"])
            | Q(email__icontains=f["q"])
        )
    if role := bounded.id_or_none(f["role"]):
        qs = qs.filter(groups__pk=role)
    if f["active"] in ("yes", "no"):
        qs = qs.filter(is_active=f["active"] == "yes")
    if f["scope"] == "all":
        qs = qs.annotate(nc=Count("profile__channels"), nw=Count("profile__warehouses")).filter(nc=0, nw=0)
    elif f["scope"] == "limited":
        qs = qs.annotate(nc=Count("profile__channels"), nw=Count("profile__warehouses")).filter(
            Q(nc__gt=0) | Q(nw__gt=0)
        )
    elif f["scope"].startswith("w") and (warehouse := bounded.id_or_none(f["scope"][1:])):
        qs = qs.filter(profile__warehouses__pk=warehouse)
    elif f["scope"].startswith("c") and (channel := bounded.id_or_none(f["scope"][1:])):
        qs = qs.filter(profile__channels__pk=channel)
    return qs.distinct(), f


@module_required(SETTINGS, ["auth.view_user"])
def user_list(request: HttpRequest) -> HttpResponse:
    from oms.channels.models import Channel
    from oms.inventory.models import Warehouse

    if request.method == "POST":
        if not request.user.has_perm("auth.change_user"):
            raise PermissionDenied
        ids = bounded.ids(request.POST.getlist("ids"))
        op = request.POST.get("op")
        if not ids or op not in ("enable", "disable"):
            messages.error(request, _("Select users and an action."))
        else:
            try:
                mine = list(users.manageable_by(request.user).filter(pk__in=ids).values_list("pk", flat=True))
                n = users.set_active(user_ids=mine, active=op == "enable", actor=Actor.from_request(request))
            except ValidationError as exc:
                messages.error(request, _first_error(exc))
            else:
                messages.success(request, _("%(n)s users changed.") % {"n": n})
        return redirect(request.get_full_path())
    qs, f = _user_queryset(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for u in page.object_list:
        u.role_labels = [role_label(g.name) for g in u.groups.all()]
    return render(
        request,
        "system/users.html",
        {
            "page": page,
            "f": f,
            "roles": [(g.pk, role_label(g.name)) for g in Group.objects.order_by("name")],
            "scope_options": [
                (f"w{w.pk}", _("Warehouse: %(name)s") % {"name": w.name})
                for w in Warehouse.objects.restrict(request.user).order_by("code")
            ]
            + [
                (f"c{c.pk}", _("Channel: %(name)s") % {"name": c.name})
                for c in Channel.objects.restrict(request.user).order_by("code")
            ],
            "can_change": request.user.has_perm("auth.change_user"),
            "can_add": request.user.has_perm("auth.add_user"),
        },
    )


@module_required(SETTINGS, ["auth.add_user"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            created = users.create_user(
                username=d["username"],
                password=d["password"],
                first_name=d["first_name"],
                last_name=d["last_name"],
                email=d["email"],
                group_ids=[g.pk for g in d["groups"]],
                channel_ids=[c.pk for c in d["channels"]],
                warehouse_ids=[w.pk for w in d["warehouses"]],
                actor=Actor.from_request(request),
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            messages.success(
                request,
                _("User %(name)s created; they must change the password at first sign-in.")
                % {"name": created.username},
            )
            return redirect("system:user_edit", pk=created.pk)
    return render(request, "system/user_form.html", {"form": form, "creating": True})


@module_required(SETTINGS, ["auth.change_user"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from oms.accounts.models import UserProfile

    target = get_object_or_404(users.manageable_by(request.user), pk=pk)
    profile, _created = UserProfile.objects.get_or_create(user=target)
    initial = {
        "username": target.username,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "groups": list(target.groups.all()),
        "channels": list(profile.channels.all()),
        "warehouses": list(profile.warehouses.all()),
    }
    form = UserForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            users.update_user(
                user_id=target.pk,
                first_name=d["first_name"],
                last_name=d["last_name"],
                email=d["email"],
                group_ids=[g.pk for g in d["groups"]],
                channel_ids=[c.pk for c in d["channels"]],
                warehouse_ids=[w.pk for w in d["warehouses"]],
                actor=Actor.from_request(request),
            )
        except ValidationError as exc:
            form.add_error(None, _first_error(exc))
        else:
            messages.success(request, _("User %(name)s saved.") % {"name": target.username})
            return redirect("system:user_edit", pk=target.pk)
    return render(
        request,
        "system/user_form.html",
        {"form": form, "creating": False, "target": target, "profile": profile},
    )


@require_POST
@module_required(SETTINGS, ["auth.change_user"])
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users.manageable_by(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        users.set_active(user_ids=[target.pk], active=active, actor=Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(
            request,
            (_("%(name)s can sign in again.") if active else _("%(name)s is disabled.")) % {"name": target.username},
        )
    return redirect("system:user_edit", pk=target.pk)


@require_POST
@module_required(SETTINGS, ["auth.change_user"])
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users.manageable_by(request.user), pk=pk)
    password = users.reset_password(user_id=target.pk, actor=Actor.from_request(request))
    # Shown once on this response, never stored in clear or put in a message cookie.
    return render(request, "system/temporary_password.html", {"target": target, "password": password})


# Roles -----------------------------------------------------------------------------------------------


@module_required(SETTINGS, ["auth.view_group"])
def roles(request: HttpRequest) -> HttpResponse:
    groups = list(Group.objects.order_by("name").prefetch_related("permissions"))
    builtin_order = {name: i for i, name in enumerate(GROUP_TO_ROLE)}
    groups.sort(key=lambda g: (g.name not in builtin_order, builtin_order.get(g.name, 0), g.name.lower()))
    held = {g.pk: {p.pk for p in g.permissions.all()} for g in groups}
    by_area: dict[str, list[Any]] = defaultdict(list)
    for perm in users.manageable_permissions():
        by_area[perm.content_type.app_label].append(perm)
    columns: list[dict[str, Any]] = [
        {"group": g, "label": role_label(g.name), "builtin": users.is_builtin(g), "members": g.user_set.count()}
        for g in groups
    ]
    rows = [
        {
            "area": area,
            "label": area_label(area),
            "perms": [
                {
                    "perm": p,
                    "label": permission_label(p),
                    "cells": [c | {"on": p.pk in held[c["group"].pk]} for c in columns],
                }
                for p in perms
            ],
        }
        for area, perms in sorted(by_area.items())
    ]
    return render(
        request,
        "system/roles.html",
        {
            "columns": columns,
            "rows": rows,
            "form": RoleForm(),
            "can_change": request.user.has_perm("auth.change_group"),
        },
    )


@require_POST
@module_required(SETTINGS, ["auth.add_group"])
def role_create(request: HttpRequest) -> HttpResponse:
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            group = users.create_role(
                name=form.cleaned_data["name"],
                copy_from_id=form.cleaned_data["copy_from"].pk if form.cleaned_data["copy_from"] else None,
                actor=Actor.from_request(request),
            )
        except ValidationError as exc:
            messages.error(request, _first_error(exc))
        else:
            messages.success(request, _("Role %(name)s created.") % {"name": group.name})
    else:
        messages.error(request, _("Enter a name for the new role."))
    return redirect("system:roles")


@require_POST
@module_required(SETTINGS, ["auth.change_group"])
def role_update(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(Group, pk=pk)
    actor = Actor.from_request(request)
    op = request.POST.get("op", "permissions")
    try:
        if op == "rename":
            users.rename_role(group_id=group.pk, name=request.POST.get("name", ""), actor=actor)
            messages.success(request, _("Role renamed."))
        elif op == "delete":
            if not request.user.has_perm("auth.delete_group"):
                raise PermissionDenied
            users.delete_role(group_id=group.pk, actor=actor)
            messages.success(request, _("Role %(name)s deleted.") % {"name": group.name})
        else:
            ids = bounded.ids(request.POST.getlist("perm"))
            users.set_role_permissions(group_id=group.pk, permission_ids=ids, actor=actor)
            messages.success(request, _("Permissions of %(name)s saved.") % {"name": group.name})
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    return redirect("system:roles")


# Backups ---------------------------------------------------------------------------------------------


def _archive_or_404(name: str, user: Any) -> Path:
    if not scope_of(user).unrestricted:
        raise Http404  # an archive holds every channel and warehouse: not for a limited user
    if Path(name).name != name or not name.startswith(backup.PREFIX) or not name.endswith(backup.SUFFIX):
        raise Http404
    path = backup.backup_dir() / name
    if not path.is_file():
        raise Http404
    return path


@module_required(SETTINGS, ["system.view_backuprun"])
def backups(request: HttpRequest) -> HttpResponse:
    archives = [backup.describe(p) for p in backup.list_archives()]
    return render(
        request,
        "system/backups.html",
        {
            "archives": archives,
            "runs": BackupRun.objects.all()[:10],
            "directory": backup.backup_dir(),
            "keep": params.get("backup.keep"),
            "schedule_hour": params.get("backup.schedule_hour"),
            "can_run": request.user.has_perm("system.add_backuprun"),
            "can_download": request.user.has_perm("system.download_backup"),
            "can_restore": request.user.has_perm("system.restore_backup"),
        },
    )


@module_required(SETTINGS, ["system.view_backuprun"])
def backup_runs(request: HttpRequest) -> HttpResponse:
    """The runs table alone, polled by HTMX while a run is queued or running."""
    return render(request, "system/_backup_runs.html", {"runs": BackupRun.objects.all()[:10]})


@require_POST
@module_required(SETTINGS, ["system.add_backuprun"])
def backup_now(request: HttpRequest) -> HttpResponse:
    from oms.system.tasks import backup_task

    actor = Actor.from_request(request)
    with transaction.atomic():
        run = BackupRun.objects.create(kind=BackupRun.Kind.BACKUP, requested_by=actor.name)
        transaction.on_commit(lambda: backup_task(run.pk, actor.__dict__))
    messages.info(request, _("The backup was started; its progress shows below."))
    return redirect("system:backups")


@module_required(SETTINGS, ["system.download_backup"])
def backup_download(request: HttpRequest, name: str) -> FileResponse:
    path = _archive_or_404(name, request.user)
    oplog.record(actor=Actor.from_request(request), action="backup.download", target=name)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)  # noqa: SIM115 - FileResponse closes


@module_required(SETTINGS, ["system.restore_backup"])
def backup_restore(request: HttpRequest, name: str) -> HttpResponse:
    from oms.system.tasks import restore_task

    path = _archive_or_404(name, request.user)
    info = backup.describe(path)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip() != name:
            error = _("Type the archive name exactly to confirm.")
        else:
            actor = Actor.from_request(request)
            with transaction.atomic():
                run = BackupRun.objects.create(kind=BackupRun.Kind.RESTORE, archive=name, requested_by=actor.name)
                transaction.on_commit(lambda: restore_task(run.pk, name, actor.__dict__))
            messages.info(request, _("The restore was started; its progress shows below."))
            return redirect("system:backups")
    return render(request, "system/backup_restore.html", {"info": info, "name": name, "error": error})


# Operation log -------------------------------------------------------------------------------------


def _oplog_queryset(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    qs = OperationLog.objects.all()
    if not scope_of(request.user).unrestricted:
        # The log spans every channel and warehouse; a limited person reads what they did themselves.
        qs = qs.filter(actor_user_id=request.user.pk)
    f = {k: request.GET.get(k, "").strip() for k in ("actor", "action", "date_from", "date_to", "q")}
    if f["actor"]:
        qs = qs.filter(actor_name__icontains=f["actor"])
    if f["action"]:
        qs = qs.filter(action__startswith=f["action"])
    tz = timezone.get_current_timezone()
    if d := parse_date(f["date_from"]):
        qs = qs.filter(created_at__gte=timezone.make_aware(datetime.combine(d, time.min), tz))
    if d := parse_date(f["date_to"]):
        qs = qs.filter(created_at__lte=timezone.make_aware(datetime.combine(d, time.max), tz))
    if f["q"]:
        qs = qs.filter(Q(target__icontains=f["q"]) | Q(details__icontains=f["q"]) | Q(ip__icontains=f["q"]))
    return qs, f


@module_required(SETTINGS, ["system.view_operationlog"])
def operation_log(request: HttpRequest) -> HttpResponseBase:
    qs, f = _oplog_queryset(request)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        headers = [_("Time"), _("Actor"), _("Actor kind"), _("IP address"), _("Action"), _("Target"), _("Details")]
        rows = (
            [
                e.created_at,
                actor_label(e.actor_kind, e.actor_name),
                actor_kind_label(e.actor_kind),
                e.ip,
                oplog.action_label(e.action),
                e.target,
                oplog.details_text(e.details),
            ]
            for e in qs.iterator(2000)
        )
        return spreadsheet(fmt, f"operation-log-{timezone.localdate():%Y%m%d}", headers, rows)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.action_text = oplog.action_label(entry.action)  # type: ignore[attr-defined]
        entry.detail_lines = oplog.detail_lines(entry.details)  # type: ignore[attr-defined]
        entry.actor_text = actor_label(entry.actor_kind, entry.actor_name)  # type: ignore[attr-defined]
    prefixes = sorted({a.split(".")[0] for a in OperationLog.objects.values_list("action", flat=True).distinct()})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "system/operation_log.html",
        {
            "page": page,
            "f": f,
            "action_prefixes": [(p, oplog.group_label(p)) for p in prefixes],
            "query": query.urlencode(),
        },
    )
