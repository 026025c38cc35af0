"""Settings API for administrators: runtime parameters (same validation and revisions as the
console), their revisions and restore, and user administration."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oms.core.actor import Actor, client_ip
from oms.core.api import ExistingField, ModulePermission, QueryBooleanField, StrictQueryParams, error_response
from oms.system import actions, params, users
from oms.system.models import ParameterRevision

User = get_user_model()


def _actor(request: Request) -> Actor:
    return Actor.for_user(request.user, ip=client_ip(request))


def parameter_rows() -> list[dict[str, Any]]:
    params.load_declarations()
    rows = []
    for key, p in sorted(params.REGISTRY.items()):
        value = params.get(key)
        rows.append(
            {
                "key": key,
                "group": p.group,
                "type": p.type,
                "label": str(p.label),
                "help": str(p.help),
                "value": None if p.type == "secret" else value,
                "is_set": bool(value) if p.type == "secret" else None,
                "default": None if p.type == "secret" else p.default,
                "min": p.min,
                "max": p.max,
                "choices": [c for c, _label in p.choices],
            }
        )
    return rows


class ParameterSerializer(serializers.Serializer):
    key = serializers.CharField()
    group = serializers.CharField()
    type = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF Field has a "label" attribute
    help = serializers.CharField()
    value = serializers.JSONField(allow_null=True, help_text="null for secrets: never returned")
    is_set = serializers.BooleanField(allow_null=True, help_text="secrets only: whether a value is stored")
    default = serializers.JSONField(allow_null=True)
    min = serializers.JSONField(allow_null=True)
    max = serializers.JSONField(allow_null=True)
    choices = serializers.ListField(child=serializers.CharField())


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ParameterRevision
        fields = ["id", "created_at", "actor_name", "ip", "note", "changes", "restored_from"]


class ParametersView(StrictQueryParams, APIView):
    """GET every parameter; PATCH {"key": value, ...} validates all, stores them as one revision."""

    permission_classes = [ModulePermission]
    module = "settings"
    required_perms = {"GET": ["system.view_parameter"], "PATCH": ["system.change_parameter"]}

    @extend_schema(responses=ParameterSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(parameter_rows())

    @extend_schema(
        request=inline_serializer("ParameterPatch", {"values": serializers.DictField(required=False)}),
        responses=inline_serializer(
            "ParameterSaved",
            {"revision": serializers.IntegerField(allow_null=True), "parameters": ParameterSerializer(many=True)},
        ),
    )
    def patch(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict):
            return error_response("invalid", "Send a JSON object of parameter keys and values.")
        values = body.get("values", body) if isinstance(body.get("values"), dict) else body
        note = str(body.get("note", "")) if "values" in body else ""
        revision = actions.save_parameters(values=dict(values), actor=_actor(request), note=note)
        return Response({"revision": revision.pk if revision else None, "parameters": parameter_rows()})


class RevisionListView(StrictQueryParams, ListAPIView):
    permission_classes = [ModulePermission]
    module = "settings"
    required_perms = {"GET": ["system.view_parameter"]}
    serializer_class = RevisionSerializer
    queryset = ParameterRevision.objects.all()
    filter_backends: list = []


class RevisionRestoreView(StrictQueryParams, APIView):
    permission_classes = [ModulePermission]
    module = "settings"
    required_perms = {"POST": ["system.change_parameter"]}

    @extend_schema(request=None, responses=RevisionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        get_object_or_404(ParameterRevision, pk=pk)
        revision = actions.restore_revision(revision_id=pk, actor=_actor(request))
        if revision is None:
            return error_response("unchanged", "The parameters already have the values of this revision.")
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)


# Users -------------------------------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    channels = serializers.SerializerMethodField()
    warehouses = serializers.SerializerMethodField()
    must_change_password = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "last_login",
            "roles",
            "channels",
            "warehouses",
            "must_change_password",
        ]

    def _profile(self, obj: Any) -> Any:
        return getattr(obj, "profile", None)

    def get_roles(self, obj: Any) -> list[str]:
        return sorted(g.name for g in obj.groups.all())

    def get_channels(self, obj: Any) -> list[str]:
        p = self._profile(obj)
        return sorted(c.code for c in p.channels.all()) if p else []

    def get_warehouses(self, obj: Any) -> list[str]:
        p = self._profile(obj)
        return sorted(w.code for w in p.warehouses.all()) if p else []

    def get_must_change_password(self, obj: Any) -> bool:
        p = self._profile(obj)
        return bool(p and p.must_change_password)


class UserWriteSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150, required=False)
    password = serializers.CharField(required=False, write_only=True)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    roles = serializers.ListField(child=serializers.CharField(), required=False, help_text="role (group) names")
    channels = serializers.ListField(child=serializers.CharField(), required=False, help_text="channel codes")
    warehouses = serializers.ListField(child=serializers.CharField(), required=False, help_text="warehouse codes")

    def _ids(self, model: Any, field: str, values: list[str], label: str) -> list[int]:
        found = dict(model.objects.filter(**{f"{field}__in": values}).values_list(field, "pk"))
        missing = sorted(set(values) - set(found))
        if missing:
            raise serializers.ValidationError({label: [f"Unknown: {', '.join(missing)}"]})
        return list(found.values())

    def resolve(self) -> dict[str, Any]:
        from oms.channels.models import Channel
        from oms.inventory.models import Warehouse

        d = dict(self.validated_data)
        if "roles" in d:
            d["group_ids"] = self._ids(Group, "name", d.pop("roles"), "roles")
        if "channels" in d:
            d["channel_ids"] = self._ids(Channel, "code", d.pop("channels"), "channels")
        if "warehouses" in d:
            d["warehouse_ids"] = self._ids(Warehouse, "code", d.pop("warehouses"), "warehouses")
        return d


class UserQuery(serializers.Serializer):
    active = QueryBooleanField(help_text="true: active users only; false: deactivated only.")
    role = ExistingField(Group, "name", help_text="Role (group) name.")


def _users_qs(request: Request) -> Any:
    return (
        users.manageable_by(request.user)
        .select_related("profile")
        .prefetch_related("groups", "profile__channels", "profile__warehouses")
        .order_by("username")
    )


class UserListView(StrictQueryParams, APIView):
    permission_classes = [ModulePermission]
    module = "settings"
    required_perms = {"GET": ["auth.view_user"], "POST": ["auth.add_user"]}
    query_serializer = UserQuery

    @extend_schema(responses=UserSerializer(many=True))
    def get(self, request: Request) -> Response:
        qs = _users_qs(request)
        if self.query.get("active") is not None:
            qs = qs.filter(is_active=self.query["active"])
        if "role" in self.query:
            qs = qs.filter(groups=self.query["role"])
        return Response(UserSerializer(qs, many=True).data)

    @extend_schema(request=UserWriteSerializer, responses=UserSerializer)
    def post(self, request: Request) -> Response:
        ser = UserWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.resolve()
        if not d.get("username") or not d.get("password"):
            return error_response(
                "invalid",
                "username and password are required.",
                fields={k: ["This field is required."] for k in ("username", "password") if not d.get(k)},
            )
        d.pop("is_active", None)
        user = users.create_user(actor=_actor(request), **d)
        return Response(UserSerializer(_users_qs(request).get(pk=user.pk)).data, status=status.HTTP_201_CREATED)


class UserDetailView(StrictQueryParams, APIView):
    permission_classes = [ModulePermission]
    module = "settings"
    required_perms = {"GET": ["auth.view_user"], "PATCH": ["auth.change_user"]}

    @extend_schema(responses=UserSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(UserSerializer(get_object_or_404(_users_qs(request), pk=pk)).data)

    @extend_schema(request=UserWriteSerializer, responses=UserSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        user = get_object_or_404(_users_qs(request), pk=pk)
        ser = UserWriteSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        d = ser.resolve()
        actor = _actor(request)
        if "is_active" in d:
            users.set_active(user_ids=[user.pk], active=d["is_active"], actor=actor)
        profile = getattr(user, "profile", None)
        users.update_user(
            user_id=user.pk,
            actor=actor,
            first_name=d.get("first_name", user.first_name),
            last_name=d.get("last_name", user.last_name),
            email=d.get("email", user.email),
            group_ids=d.get("group_ids", [g.pk for g in user.groups.all()]),
            channel_ids=d.get("channel_ids", [c.pk for c in profile.channels.all()] if profile else []),
            warehouse_ids=d.get("warehouse_ids", [w.pk for w in profile.warehouses.all()] if profile else []),
        )
        return Response(UserSerializer(_users_qs(request).get(pk=user.pk)).data)


class UserResetPasswordView(StrictQueryParams, APIView):
    permission_classes = [ModulePermission]
    module = "settings"
    required_perms = {"POST": ["auth.change_user"]}

    @extend_schema(
        request=None, responses=inline_serializer("TemporaryPassword", {"password": serializers.CharField()})
    )
    def post(self, request: Request, pk: int) -> Response:
        user = get_object_or_404(users.manageable_by(request.user), pk=pk)
        return Response({"password": users.reset_password(user_id=user.pk, actor=_actor(request))})
