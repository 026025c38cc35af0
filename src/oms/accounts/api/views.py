from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oms.core.api import StrictQueryParams
from oms.core.permissions import SIGNED_IN
from oms.core.roles import GROUP_TO_ROLE
from oms.web.modules import visible_modules


class MeView(StrictQueryParams, APIView):
    """Who the caller is: username, roles and the console modules they may open."""

    oms_module = SIGNED_IN

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.IntegerField(),
                "username": serializers.CharField(),
                "name": serializers.CharField(),
                # not EmailField: a user without an address has "", which is no valid "email" format
                "email": serializers.CharField(allow_blank=True, help_text="Email address, or empty."),
                "roles": serializers.ListField(child=serializers.CharField()),
                "groups": serializers.ListField(child=serializers.CharField()),
                "modules": serializers.ListField(child=serializers.CharField()),
                "auth": serializers.ChoiceField(choices=["token", "session"]),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        groups = sorted(user.groups.values_list("name", flat=True))
        return Response(
            {
                "id": user.pk,
                "username": user.get_username(),
                "name": user.get_full_name(),
                "email": user.email,
                "roles": [GROUP_TO_ROLE[g] for g in groups if g in GROUP_TO_ROLE],
                "groups": groups,
                "modules": [m.code for m in visible_modules(user)],
                "auth": "token" if request.auth is not None else "session",
            }
        )
