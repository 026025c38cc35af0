"""Console pages of the intake edge (Orders module): channels, SKU and column mappings, imports,
inbound deliveries. Views parse input, check permission and call actions / the importer."""

from __future__ import annotations

import contextlib
import json
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.channels import actions, importer, inbox, registry, tasks
from oms.channels.forms import ChannelForm, ColumnMappingForm, ImportForm, SkuMappingForm
from oms.channels.models import (
    Channel,
    DeliveryKind,
    DeliveryStatus,
    ImportJob,
    ImportStatus,
    InboundDelivery,
    Platform,
    PullState,
    SkuMapping,
)
from oms.channels.tables import FileFormatError, open_table
from oms.core import bounded, crypto
from oms.core.actor import Actor
from oms.core.exports import spreadsheet, workbook_response
from oms.core.files import open_private
from oms.core.permissions import module_required
from oms.core.redirects import safe_next
from oms.core.uploads import safe_name

MODULE = "orders"


def _need(request: HttpRequest, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise PermissionDenied


def _page(request: HttpRequest, qs: Any, size: int = 50) -> Any:
    return Paginator(qs, size).get_page(request.GET.get("page"))


# --- channels ---------------------------------------------------------------------------------


@module_required(MODULE, ["channels.view_channel"])
def channel_list(request: HttpRequest) -> HttpResponseBase:
    qs = Channel.objects.restrict(request.user).select_related("pull_state").annotate(mappings=Count("sku_mappings"))
    platform, active, q = (
        request.GET.get("platform", ""),
        request.GET.get("active", ""),
        request.GET.get("q", "").strip(),
    )
    if platform:
        qs = qs.filter(platform=platform)
    if active in ("1", "0"):
        qs = qs.filter(active=active == "1")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(shop__icontains=q))
    if request.GET.get("export") == "csv":
        headers = [_("Code"), _("Name"), _("Platform"), _("Shop"), _("Active"), _("SKU mappings")]
        rows = (
            [c.code, c.name, c.get_platform_display(), c.shop, _("yes") if c.active else _("no"), c.mappings]
            for c in qs
        )
        return spreadsheet("csv", "channels", headers, rows)
    return render(
        request,
        "channels/channel_list.html",
        {"channels": qs, "platforms": Platform.choices, "filters": {"platform": platform, "active": active, "q": q}},
    )


@module_required(MODULE, ["channels.add_channel"])
def channel_add(request: HttpRequest) -> HttpResponse:
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            channel = actions.save_channel(
                actor=Actor.from_request(request),
                code=d["code"],
                platform=d["platform"],
                name=d["name"],
                shop=d["shop"],
                base_url=d["base_url"],
                secret=d["secret"] or None,
                token=d["token"] or None,
                active=d["active"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Channel %(code)s saved.") % {"code": channel.code})
            return redirect("channels:channel", pk=channel.pk)
    return render(request, "channels/channel_form.html", {"form": form, "channel": None})


def webhook_url(request: HttpRequest, channel: Channel) -> str:
    if registry.get(channel.platform) is None:
        return ""
    path = reverse("webhooks:receive", kwargs={"platform": channel.platform, "code": channel.code})
    return request.build_absolute_uri(path)


@module_required(MODULE, ["channels.view_channel"])
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel.objects.restrict(request.user), pk=pk)
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST":
        _need(request, "channels.change_channel")
        if form.is_valid():
            d = form.cleaned_data
            actions.save_channel(
                actor=Actor.from_request(request),
                code=channel.code,
                platform=channel.platform,
                name=d["name"],
                shop=d["shop"],
                base_url=d["base_url"],
                secret=d["secret"] or None,
                token=d["token"] or None,
                active=d["active"],
                instance=channel,
            )
            messages.success(request, _("Channel %(code)s saved.") % {"code": channel.code})
            return redirect("channels:channel", pk=channel.pk)
    state = PullState.objects.filter(channel=channel).first()
    counts = dict(
        InboundDelivery.objects.filter(channel=channel)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return render(
        request,
        "channels/channel_form.html",
        {
            "form": form,
            "channel": channel,
            "webhook_url": webhook_url(request, channel),
            "state": state,
            "can_pull": channel.platform in registry.with_pull(),
            "delivery_counts": counts,
            "mapping_count": channel.sku_mappings.count(),
            "secret_unreadable": channel.secret_state == crypto.UNDECRYPTABLE,
            "token_unreadable": channel.token_state == crypto.UNDECRYPTABLE,
        },
    )


@require_POST
@module_required(MODULE, ["channels.change_channel"])
def channel_pull(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel.objects.restrict(request.user), pk=pk)
    transaction.on_commit(lambda: tasks.pull_channel_task(channel.pk))
    messages.info(
        request, _("A pull of %(code)s has been started; its result shows here when done.") % {"code": channel.code}
    )
    return redirect("channels:channel", pk=channel.pk)


@module_required(MODULE, ["channels.change_channel"])
def column_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel.objects.restrict(request.user), pk=pk)
    current = (channel.options or {}).get("column_mapping") or {}
    form = ColumnMappingForm(request.POST or None, mapping=current)
    if request.method == "POST" and form.is_valid():
        actions.set_column_mapping(actor=Actor.from_request(request), channel=channel, mapping=form.cleaned_data)
        messages.success(
            request,
            _("Column mapping saved; it is used for every file imported into %(code)s.") % {"code": channel.code},
        )
        return redirect("channels:channel", pk=channel.pk)
    return render(request, "channels/column_mapping.html", {"channel": channel, "form": form})


# --- SKU mappings -----------------------------------------------------------------------------


@module_required(MODULE, ["channels.view_skumapping"])
def mapping_list(request: HttpRequest, pk: int) -> HttpResponseBase:
    channel = get_object_or_404(Channel.objects.restrict(request.user), pk=pk)
    editing = (
        SkuMapping.objects.filter(channel=channel, pk=request.GET.get("edit") or 0).select_related("product").first()
    )
    initial = (
        {"platform_sku": editing.platform_sku, "sku": editing.product.sku, "quantity": editing.quantity}
        if editing
        else None
    )
    form = SkuMappingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _need(request, "channels.add_skumapping", "channels.change_skumapping")
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.save_sku_mapping(
                    actor=Actor.from_request(request),
                    channel=channel,
                    platform_sku=d["platform_sku"],
                    sku=d["sku"],
                    quantity=d["quantity"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Mapping for %(sku)s saved.") % {"sku": d["platform_sku"]})
                return redirect("channels:mappings", pk=channel.pk)
    qs = SkuMapping.objects.filter(channel=channel).select_related("product")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(platform_sku__icontains=q) | Q(product__sku__icontains=q) | Q(product__name__icontains=q))
    if request.GET.get("export") == "csv":
        headers = [_("Platform SKU"), _("Our SKU"), _("Units per platform unit")]
        rows = ([m.platform_sku, m.product.sku, m.quantity] for m in qs)
        return spreadsheet("csv", f"sku-mappings-{channel.code}", headers, rows)
    return render(
        request,
        "channels/mapping_list.html",
        {"channel": channel, "page": _page(request, qs), "form": form, "q": q, "editing": editing},
    )


@require_POST
@module_required(MODULE, ["channels.delete_skumapping"])
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel.objects.restrict(request.user), pk=pk)
    ids = request.POST.getlist("ids")
    for mapping in SkuMapping.objects.filter(channel=channel, pk__in=bounded.ids(ids)):
        actions.delete_sku_mapping(actor=Actor.from_request(request), mapping=mapping)
    messages.success(request, _("%(n)s mappings deleted.") % {"n": len(ids)})
    return redirect("channels:mappings", pk=channel.pk)


@require_POST
@module_required(MODULE, ["channels.add_skumapping", "channels.change_skumapping"])
def mapping_import(request: HttpRequest, pk: int) -> HttpResponse:
    """An .xlsx or .csv with columns: platform SKU, our SKU, units (optional); first row is a header."""
    channel = get_object_or_404(Channel.objects.restrict(request.user), pk=pk)
    upload = request.FILES.get("file")
    if not upload:
        messages.error(request, _("Choose a file."))
        return redirect("channels:mappings", pk=channel.pk)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe_name(upload.name, "mappings.xlsx")
        with open(path, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            table = open_table(path)
            saved, problems = actions.import_sku_mappings(
                actor=Actor.from_request(request), channel=channel, rows=list(table.rows)
            )
        except FileFormatError as exc:
            messages.error(request, str(exc))
            return redirect("channels:mappings", pk=channel.pk)
    messages.success(request, _("%(n)s mappings saved.") % {"n": saved})
    for problem in problems[:20]:
        messages.warning(request, problem)
    return redirect("channels:mappings", pk=channel.pk)


# --- imports ----------------------------------------------------------------------------------


def _save_upload(upload: Any, folder: Path) -> Path:
    path = folder / safe_name(upload.name)
    with open_private(path) as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


@module_required(MODULE, ["channels.add_importjob"])
def import_list(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        uploads = [u for u in (d["file"], d.get("file2")) if u]
        with tempfile.TemporaryDirectory() as tmp:
            paths = [_save_upload(u, Path(tmp)) for u in uploads]
            try:
                job, resumed = importer.create_job(
                    channel=d["channel"],
                    paths=paths,
                    fmt=d["format"] or "",
                    names=[safe_name(u.name) for u in uploads],
                    user=request.user,
                )
            except FileFormatError as exc:
                form.add_error(None, str(exc))
                job = None
        if job is not None:
            transaction.on_commit(lambda: tasks.run_import_task(job.pk))
            if resumed:
                messages.info(request, _("These files were being imported already; the import continues."))
            return redirect("channels:import", pk=job.pk)
    qs = ImportJob.objects.restrict(request.user).select_related("channel", "created_by")
    status, channel = request.GET.get("status", ""), request.GET.get("channel", "")
    if status:
        qs = qs.filter(status=status)
    errors: dict[str, str] = {}
    if channel_id := bounded.lenient(bounded.identifier, request.GET, "channel", errors):
        qs = qs.filter(channel_id=channel_id)
    for reason in errors.values():
        messages.warning(request, reason)
    return render(
        request,
        "channels/import_list.html",
        {
            "form": form,
            "page": _page(request, qs, 25),
            "statuses": ImportStatus.choices,
            "channels": Channel.objects.restrict(request.user),
            "filters": {"status": status, "channel": channel},
        },
    )


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.restrict(request.user).select_related("channel"), pk=pk)


@module_required(MODULE, ["channels.view_importjob"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "channels/import_detail.html", {"job": job, "rejected": job.rejected_rows[:200]})


@module_required(MODULE, ["channels.view_importjob"])
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card alone, polled by HTMX every second until the job has finished."""
    job = _job(request, pk)
    return render(request, "channels/_import_progress.html", {"job": job})


@module_required(MODULE, ["channels.view_importjob"])
def import_rejected(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _job(request, pk)
    return workbook_response(f"import-{job.pk}-rejected", [importer.rejected_sheet(job)])


@module_required(MODULE, ["channels.add_importjob"])
def import_template(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt == "xlsx":
        return workbook_response("orders-template", importer.template_sheets())
    headers, example = importer.template_rows()
    return spreadsheet("csv", "orders-template", headers, [example])


# --- inbound deliveries -----------------------------------------------------------------------


@module_required(MODULE, ["channels.view_inbounddelivery"])
def delivery_list(request: HttpRequest) -> HttpResponseBase:
    qs = InboundDelivery.objects.restrict(request.user).select_related("channel", "order").defer("body")
    f = {k: request.GET.get(k, "") for k in ("channel", "kind", "status", "q")}
    errors: dict[str, str] = {}
    if channel_id := bounded.lenient(bounded.identifier, request.GET, "channel", errors):
        qs = qs.filter(channel_id=channel_id)
    for reason in errors.values():
        messages.warning(request, reason)
    if f["kind"]:
        qs = qs.filter(kind=f["kind"])
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["q"].strip():
        q = f["q"].strip()
        qs = qs.filter(
            Q(dedupe_key__icontains=q) | Q(topic__icontains=q) | Q(order__number=q) | Q(order__external_id=q)
        )
    counts = dict(
        InboundDelivery.objects.restrict(request.user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return render(
        request,
        "channels/delivery_list.html",
        {
            "page": _page(request, qs),
            "filters": f,
            "channels": Channel.objects.restrict(request.user),
            "kinds": DeliveryKind.choices,
            "statuses": DeliveryStatus.choices,
            "counts": counts,
        },
    )


@module_required(MODULE, ["channels.view_inbounddelivery"])
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(
        InboundDelivery.objects.restrict(request.user).select_related("channel", "order"), pk=pk
    )
    body = bytes(delivery.body or b"")
    text = body[:200_000].decode("utf-8", errors="replace")
    if text.lstrip().startswith(("{", "[")):
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(body), ensure_ascii=False, indent=2)[:200_000]
    return render(request, "channels/delivery_detail.html", {"d": delivery, "body": text, "size": len(body)})


@require_POST
@module_required(MODULE, ["channels.change_inbounddelivery"])
def delivery_retry(request: HttpRequest) -> HttpResponse:
    ids = bounded.ids(request.POST.getlist("ids"))
    allowed = InboundDelivery.objects.restrict(request.user).filter(pk__in=ids).exclude(kind=DeliveryKind.FILE)
    n = 0
    for pk in allowed.exclude(status=DeliveryStatus.PROCESSED).values_list("pk", flat=True):
        inbox.retry_now(pk)
        transaction.on_commit(partial(tasks.process_delivery_task, pk))
        n += 1
    messages.success(request, _("%(n)s deliveries queued to be processed again.") % {"n": n})
    return redirect(safe_next(request, reverse("channels:deliveries")))
