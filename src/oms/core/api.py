"""Shared REST pieces: one error format everywhere, pagination, module permission."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, list):
        return [str(d) for d in detail]
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error as {"error": {"code", "message", "fields"}}."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _flatten(detail) if isinstance(detail, dict) else {}
        nonfield = fields.pop("non_field_errors", None) if isinstance(fields, dict) else None
        if isinstance(detail, dict):
            message = nonfield[0] if nonfield else _("Some fields are not valid.")
        else:
            message = "; ".join(_flatten(detail))
        response.data = error_body("invalid", message, fields)
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes()
        code = code if isinstance(code, str) else exc.default_code
        response.data = error_body(
            str(code), str(exc.detail) if not isinstance(exc.detail, dict) else str(exc.default_detail)
        )
    return response


def error_response(
    code: str, message: str, http_status: int = status.HTTP_400_BAD_REQUEST, fields: dict[str, Any] | None = None
) -> Response:
    return Response(error_body(code, message, fields), status=http_status)


class ModulePermission(permissions.BasePermission):
    """Allows a view only to users who may open its console module (`module = "orders"` on the view).

    Views may also set `required_perms = {"GET": [...], "POST": [...]}` for finer checks.
    """

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        module = getattr(view, "module", None)
        if module and not user.has_perm(f"core.access_{module}"):
            return False
        required = getattr(view, "required_perms", {}) or {}
        perms = required.get(request.method, required.get("*", []))
        return all(user.has_perm(p) for p in perms)
