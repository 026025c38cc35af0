"""Channels REST API (Orders module, like the console pages): channels (list, create, update, rotate
the webhook secret, pull now), SKU mappings, and bulk imports (upload, progress, rejected rows).
Reads go through restrict(user); every change calls channels.actions or the importer."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oms.channels import actions, importer, registry, tasks
from oms.channels.forms import PLATFORMS
from oms.channels.models import Channel, ImportFormat, ImportJob, ImportStatus, Platform, SkuMapping
from oms.channels.tables import FileFormatError
from oms.core import crypto
from oms.core.actor import Actor
from oms.core.api import (
    CSVRenderer,
    ExistingField,
    ModulePermission,
    QueryBooleanField,
    StrictQueryParams,
    error_response,
)
from oms.core.exports import spreadsheet
from oms.core.scoping import get_in_scope_or_404
from oms.core.uploads import safe_name

SECRET_STATES = [
    (crypto.EMPTY, pgettext_lazy("secret state", "none stored")),
    (crypto.CURRENT, pgettext_lazy("secret state", "stored")),
    (
        crypto.FALLBACK,
        pgettext_lazy("secret state", "stored with an old key (to be re-encrypted: oms secrets --rotate)"),
    ),
    (crypto.UNDECRYPTABLE, pgettext_lazy("secret state", "cannot be decrypted: the key changed, set it again")),
]


class ChannelsAPI(StrictQueryParams):
    permission_classes: Any = [ModulePermission]
    module = "orders"


def _actor(request: Request) -> Actor:
    return Actor.from_request(request)


# --- channels ----------------------------------------------------------------------------------


class PullStateSerializer(serializers.Serializer):
    last_run_at = serializers.DateTimeField(allow_null=True)
    last_ok = serializers.BooleanField()
    last_count = serializers.IntegerField()
    high_water = serializers.DateTimeField(allow_null=True, help_text="Orders changed up to this moment are in.")


class ChannelSerializer(serializers.ModelSerializer):
    secret_state = serializers.ChoiceField(choices=SECRET_STATES, read_only=True)
    token_state = serializers.ChoiceField(choices=SECRET_STATES, read_only=True)
    webhook_url = serializers.SerializerMethodField()
    pull = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = [
            "id", "code", "name", "platform", "shop", "base_url", "active", "secret_state", "token_state",
            "webhook_url", "pull", "created_at", "updated_at",
        ]  # fmt: skip

    def get_webhook_url(self, channel: Channel) -> str:
        """Where the platform sends its webhooks (Shopify, WooCommerce); empty for other platforms."""
        if registry.get(channel.platform) is None:
            return ""
        path = reverse("webhooks:receive", kwargs={"platform": channel.platform, "code": channel.code})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(PullStateSerializer(allow_null=True))
    def get_pull(self, channel: Channel) -> dict[str, Any] | None:
        state = getattr(channel, "pull_state", None)
        return PullStateSerializer(state).data if state is not None else None


class ChannelUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    shop = serializers.CharField(max_length=200, required=False, allow_blank=True)
    base_url = serializers.URLField(required=False, allow_blank=True)
    secret = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text="Webhook secret; write-only, never returned."
    )
    token = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text="Platform API access token; write-only."
    )
    active = serializers.BooleanField(required=False)


class ChannelCreateSerializer(ChannelUpdateSerializer):
    code = serializers.SlugField(max_length=50, help_text="Letters, digits and dashes; used in the webhook URL.")
    platform = serializers.ChoiceField(choices=PLATFORMS)
    name = serializers.CharField(max_length=200)


class ChannelQuery(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices, required=False)
    active = QueryBooleanField()
    q = serializers.CharField(required=False, max_length=100, help_text="Part of the code, name or shop.")


class ChannelViewSet(
    ChannelsAPI,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Channels you may see. POST creates one, PATCH changes it (code and platform stay)."""

    serializer_class = ChannelSerializer
    required_perms = {
        "GET": ["channels.view_channel"],
        "POST": ["channels.add_channel"],
        "PATCH": ["channels.change_channel"],
    }
    filter_backends: list = []
    query_serializer = ChannelQuery

    def get_queryset(self) -> Any:
        qs = Channel.objects.restrict(self.request.user).select_related("pull_state")
        p = getattr(self, "query", {})
        if "platform" in p:
            qs = qs.filter(platform=p["platform"])
        if p.get("active") is not None:
            qs = qs.filter(active=p["active"])
        if p.get("q"):
            qs = qs.filter(Q(code__icontains=p["q"]) | Q(name__icontains=p["q"]) | Q(shop__icontains=p["q"]))
        return qs

    def _out(self, channel: Channel, code: int = status.HTTP_200_OK) -> Response:
        channel = self.get_queryset().get(pk=channel.pk)
        return Response(self.get_serializer(channel).data, status=code)

    @extend_schema(request=ChannelCreateSerializer, responses={201: ChannelSerializer})
    def create(self, request: Request) -> Response:
        body = ChannelCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        channel = actions.save_channel(
            actor=_actor(request),
            code=d["code"],
            platform=d["platform"],
            name=d["name"],
            shop=d.get("shop", ""),
            base_url=d.get("base_url", ""),
            secret=d.get("secret") or None,
            token=d.get("token") or None,
            active=d.get("active", True),
        )
        return self._out(channel, status.HTTP_201_CREATED)

    @extend_schema(request=ChannelUpdateSerializer, responses=ChannelSerializer)
    def partial_update(self, request: Request, pk: int) -> Response:
        channel = self.get_object()
        body = ChannelUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        actions.save_channel(
            actor=_actor(request),
            code=channel.code,
            platform=channel.platform,
            name=d.get("name", channel.name),
            shop=d.get("shop", channel.shop),
            base_url=d.get("base_url", channel.base_url),
            secret=d.get("secret") or None,
            token=d.get("token") or None,
            active=d.get("active"),
            instance=channel,
        )
        return self._out(channel)


class ChannelRotateSecretView(ChannelsAPI, APIView):
    """A new random webhook secret, returned once: paste it into the platform's webhook settings."""

    required_perms = {"*": ["channels.change_channel"]}

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "RotatedSecret", {"secret": serializers.CharField(), "channel": ChannelSerializer()}
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        channel = get_in_scope_or_404(Channel, request.user, pk=pk)
        channel, secret = actions.rotate_secret(actor=_actor(request), channel_id=channel.pk)
        channel = Channel.objects.select_related("pull_state").get(pk=channel.pk)
        return Response({"secret": secret, "channel": ChannelSerializer(channel, context={"request": request}).data})


class ChannelPullView(ChannelsAPI, APIView):
    """Queue a pull of orders changed on the platform (Shopify, WooCommerce); the result shows in the
    channel's `pull` once the worker has run it."""

    required_perms = {"*": ["channels.change_channel"]}

    @extend_schema(
        request=None, responses={202: inline_serializer("PullQueued", {"queued": serializers.BooleanField()})}
    )
    def post(self, request: Request, pk: int) -> Response:
        channel = get_in_scope_or_404(Channel, request.user, pk=pk)
        if channel.platform not in registry.with_pull():
            return error_response(
                "no_pull", _("This platform has no pull; import its export files instead."), status.HTTP_409_CONFLICT
            )
        transaction.on_commit(lambda: tasks.pull_channel_task(channel.pk))
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)


# --- SKU mappings ------------------------------------------------------------------------------


class SkuMappingSerializer(serializers.ModelSerializer):
    channel: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Channel code.")
    sku = serializers.CharField(source="product.sku", read_only=True, help_text="Our SKU.")

    class Meta:
        model = SkuMapping
        fields = ["id", "channel", "platform_sku", "sku", "quantity", "created_at"]


class SkuMappingIn(serializers.Serializer):
    """The same names as returned: `platform_sku` is the platform's SKU, `sku` ours."""

    channel = serializers.CharField(help_text="Channel code (on create; a mapping stays in its channel).")
    platform_sku = serializers.CharField(max_length=100)
    sku = serializers.CharField(max_length=100, help_text="Our SKU (a product of the catalogue).")
    quantity = serializers.IntegerField(min_value=1, default=1, help_text="Units per platform unit.")


class SkuMappingQuery(serializers.Serializer):
    channel = ExistingField(Channel, "code", help_text="Channel code.")
    platform_sku = serializers.CharField(required=False, max_length=100)
    sku = serializers.CharField(required=False, max_length=100, help_text="Our SKU.")


class SkuMappingViewSet(ChannelsAPI, viewsets.ModelViewSet):
    """SKU mappings of the channels you may see: a platform SKU -> our SKU (x units)."""

    serializer_class = SkuMappingSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    required_perms = {
        "GET": ["channels.view_skumapping"],
        "POST": ["channels.add_skumapping"],
        "PATCH": ["channels.change_skumapping"],
        "DELETE": ["channels.delete_skumapping"],
    }
    filter_backends: list = []
    query_serializer = SkuMappingQuery

    def get_queryset(self) -> Any:
        qs = SkuMapping.objects.restrict(self.request.user).select_related("channel", "product")
        p = getattr(self, "query", {})
        if "channel" in p:
            qs = qs.filter(channel=p["channel"])
        if p.get("platform_sku"):
            qs = qs.filter(platform_sku=p["platform_sku"])
        if p.get("sku"):
            qs = qs.filter(product__sku=p["sku"])
        return qs.order_by("channel__code", "platform_sku")

    @extend_schema(request=SkuMappingIn, responses={201: SkuMappingSerializer})
    def create(self, request: Request) -> Response:
        body = SkuMappingIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        channel = Channel.objects.restrict(request.user).filter(code=d["channel"]).first()
        if channel is None:
            raise serializers.ValidationError({"channel": [_("No channel with this code that you may use.")]})
        held = SkuMapping.objects.filter(channel=channel, platform_sku=d["platform_sku"].strip()).first()
        if held is not None:
            return error_response(
                "exists",
                _("“%(sku)s” is mapped already (mapping %(id)s); change that one instead.")
                % {"sku": d["platform_sku"], "id": held.pk},
                status.HTTP_409_CONFLICT,
            )
        mapping = actions.save_sku_mapping(
            actor=_actor(request), channel=channel, platform_sku=d["platform_sku"], sku=d["sku"], quantity=d["quantity"]
        )
        return Response(SkuMappingSerializer(mapping).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SkuMappingIn(partial=True), responses=SkuMappingSerializer)
    def partial_update(self, request: Request, pk: int) -> Response:
        mapping = self.get_object()
        body = SkuMappingIn(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        if "channel" in d and d["channel"] != mapping.channel.code:
            raise serializers.ValidationError({"channel": [_("A mapping stays in its channel.")]})
        mapping = actions.save_sku_mapping(
            actor=_actor(request),
            channel=mapping.channel,
            platform_sku=d.get("platform_sku", mapping.platform_sku),
            sku=d.get("sku", mapping.product.sku),
            quantity=d.get("quantity", mapping.quantity),
            instance=mapping,
        )
        return Response(SkuMappingSerializer(self.get_queryset().get(pk=mapping.pk)).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, kwargs["pk"])

    def destroy(self, request: Request, pk: int) -> Response:
        actions.delete_sku_mapping(actor=_actor(request), mapping=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- imports -----------------------------------------------------------------------------------


class ImportJobSerializer(serializers.ModelSerializer):
    channel: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Channel code.")
    percent = serializers.IntegerField(read_only=True)
    finished = serializers.BooleanField(read_only=True)
    rejected_report = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id", "channel", "format", "status", "file_names", "percent", "finished", "total_rows", "processed_rows",
            "total_orders", "processed_orders", "imported", "updated", "unchanged", "invalid", "rejected", "error",
            "rejected_report", "created_at", "started_at", "finished_at",
        ]  # fmt: skip

    def get_rejected_report(self, job: ImportJob) -> str:
        """URL of the rejected rows as CSV (empty while none are rejected)."""
        if not job.rejected:
            return ""
        path = reverse("api:import-rejected", kwargs={"pk": job.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ImportIn(serializers.Serializer):
    channel = serializers.CharField(help_text="Channel code.")
    format = serializers.ChoiceField(
        choices=ImportFormat.choices, required=False, help_text="Detected from the file name when left out."
    )
    file = serializers.FileField()
    file2 = serializers.FileField(required=False, help_text="Taobao: the item report.")


class ImportQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=ImportStatus.choices, required=False)
    channel = ExistingField(Channel, "code", help_text="Channel code.")


class ImportJobViewSet(ChannelsAPI, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bulk imports of order files. POST (multipart) uploads a file and starts the import in the
    worker (202); GET {id} follows its progress; GET {id}/rejected.csv is the rejected rows report."""

    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    required_perms = {"GET": ["channels.view_importjob"], "POST": ["channels.add_importjob"]}
    filter_backends: list = []
    query_serializer = ImportQuery

    def get_queryset(self) -> Any:
        qs = ImportJob.objects.restrict(self.request.user).select_related("channel")
        p = getattr(self, "query", {})
        if "status" in p:
            qs = qs.filter(status=p["status"])
        if "channel" in p:
            qs = qs.filter(channel=p["channel"])
        return qs

    @extend_schema(
        request={"multipart/form-data": ImportIn},
        responses={
            202: inline_serializer(
                "ImportStarted", {"resumed": serializers.BooleanField(), "job": ImportJobSerializer()}
            )
        },  # fmt: skip
    )
    def create(self, request: Request) -> Response:
        body = ImportIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        channel = Channel.objects.restrict(request.user).filter(code=d["channel"], active=True).first()
        if channel is None:
            raise serializers.ValidationError({"channel": [_("No active channel with this code that you may use.")]})
        fmt = d.get("format") or {"taobao": "taobao", "jd": "jd"}.get(channel.platform, "")
        uploads = [u for u in (d["file"], d.get("file2")) if u]
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for upload in uploads:
                path = Path(tmp) / safe_name(upload.name)
                with open(path, "wb") as fh:
                    for chunk in upload.chunks():
                        fh.write(chunk)
                paths.append(path)
            try:
                job, resumed = importer.create_job(
                    channel=channel, paths=paths, fmt=fmt, names=[u.name for u in uploads], user=request.user
                )
            except FileFormatError as exc:
                raise serializers.ValidationError({"file": [str(exc)]}) from exc
        transaction.on_commit(lambda: tasks.run_import_task(job.pk))
        data = ImportJobSerializer(job, context={"request": request}).data
        return Response({"resumed": resumed, "job": data}, status=status.HTTP_202_ACCEPTED)


class ImportRejectedView(ChannelsAPI, APIView):
    """The rejected rows of an import as CSV (UTF-8 with BOM): file, row, column, reason."""

    required_perms = {"*": ["channels.view_importjob"]}
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, pk: int) -> Any:
        job = get_in_scope_or_404(ImportJob, request.user, pk=pk)
        headers, rows = importer.rejected_table(job)
        return spreadsheet("csv", f"import-{job.pk}-rejected", headers, rows)
