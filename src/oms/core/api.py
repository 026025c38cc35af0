"""Shared REST pieces: one error format everywhere, pagination, module permission, and the refusal
of query parameters a view does not declare (StrictQueryParams)."""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as django_filters
from rest_framework import exceptions, filters, permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    """Page numbers; a page or page size that is not a positive whole number is a 400 naming it
    (DRF would answer 404 for the page and silently use the default size)."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        for name in (self.page_query_param, self.page_size_query_param):
            raw = request.query_params.get(name)
            if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):  # not "²"
                raise InvalidQuery({name: [_("Enter a whole number of at least 1.")]})
        return super().paginate_queryset(queryset, request, view)


class InvalidQuery(exceptions.ValidationError):
    """A query parameter that is unknown or whose value cannot be used: 400 `invalid_parameter`,
    the message naming the parameters, `fields` saying what is wrong with each."""

    def __init__(self, fields: Any) -> None:
        super().__init__(fields)


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, list):
        return [str(d) for d in detail]
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    return [str(detail)]


class InUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "in_use"


def _in_use(exc: ProtectedError | RestrictedError) -> InUse:
    """409 naming what still refers to the record (stock moves, order lines, ...)."""
    referring = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    kinds = sorted({str(obj._meta.verbose_name_plural) for obj in referring if hasattr(obj, "_meta")})
    return InUse(
        _("This record cannot be deleted because other records refer to it (%(what)s). Deactivate it instead.")
        % {"what": ", ".join(kinds) or "-"}
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error as {"error": {"code", "message", "fields"}}."""
    if isinstance(exc, ProtectedError | RestrictedError):
        exc = _in_use(exc)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    if request is not None and isinstance(getattr(request, "accepted_renderer", None), CSVRenderer):
        # an error of a CSV download is the JSON error body, and says so (not text/csv)
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    if isinstance(exc, InvalidQuery):
        fields = _flatten(exc.detail)
        message = _("Query parameter not accepted: %(names)s.") % {"names": ", ".join(sorted(fields))}
        response.data = error_body("invalid_parameter", message, fields)
    elif isinstance(exc, exceptions.ValidationError):
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


class CSVRenderer(BaseRenderer):
    """For views that answer a CSV file themselves (an HttpResponse); errors still render as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data, "application/json", renderer_context)


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


# --- query parameters: declared or refused -----------------------------------------------------------


class StrictBooleanField(forms.NullBooleanField):
    """true/false/1/0 (empty: no filter); anything else is an error instead of "no filter"."""

    VALUES: ClassVar[dict[str, bool]] = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: no filter
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in self.VALUES:
            raise DjangoValidationError(_("Enter true or false."), code="invalid")
        return self.VALUES[text]

    def validate(self, value: Any) -> None:
        return None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


_STRICT_DEFAULTS = deepcopy(django_filters.FilterSet.FILTER_DEFAULTS)
_STRICT_DEFAULTS[models.BooleanField] = {"filter_class": StrictBooleanFilter}


class StrictFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = _STRICT_DEFAULTS


class FilterBackend(django_filters.DjangoFilterBackend):
    """django-filter with strict booleans; an invalid value (unknown choice, missing object, bad
    number or date) is a 400 naming the parameter."""

    filterset_base = StrictFilterSet

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        try:
            return super().filter_queryset(request, queryset, view)
        except exceptions.ValidationError as exc:
            raise InvalidQuery(exc.detail if isinstance(exc.detail, dict) else {"query": exc.detail}) from exc


class OrderingFilter(filters.OrderingFilter):
    """?ordering=... with a field that cannot be ordered by is a 400, not silently the default order."""

    def remove_invalid_fields(self, queryset: Any, fields: Iterable[str], view: Any, request: Any) -> list[str]:
        fields = list(fields)
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        wrong = [f for f in fields if f not in valid]
        if wrong:
            allowed = ", ".join(item[0] for item in self.get_valid_fields(queryset, view, {"request": request}))
            raise InvalidQuery(
                {
                    self.ordering_param: [
                        _("Cannot order by %(fields)s; use one of: %(allowed)s.")
                        % {"fields": ", ".join(wrong), "allowed": allowed}
                    ]
                }  # fmt: skip
            )
        return valid


def active_filter_backends(view: Any) -> list[Any]:
    """The view's filter backends that take a parameter here: search and ordering only when the view
    names fields for them (the schema shows the same)."""
    backends = []
    for backend in getattr(view, "filter_backends", None) or []:
        if issubclass(backend, filters.SearchFilter) and not getattr(view, "search_fields", None):
            continue
        if issubclass(backend, filters.OrderingFilter) and not getattr(view, "ordering_fields", None):
            continue
        backends.append(backend)
    return backends


def backend_params(backend: Any, view: Any) -> set[str]:
    """The query parameters one filter backend reads for `view`."""
    if isinstance(backend, django_filters.DjangoFilterBackend):
        filterset = backend.get_filterset_class(view, view.get_queryset())
        return set(filterset.base_filters) if filterset is not None else set()
    return {p["name"] for p in backend.get_schema_operation_parameters(view)}


def is_list_request(view: Any, request: Any) -> bool:
    if request.method != "GET":
        return False
    if hasattr(view, "action") and getattr(view, "action", None) is not None:
        return bool(view.action == "list")
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
    return lookup not in (getattr(view, "kwargs", None) or {}) and bool(getattr(view, "pagination_class", None))


def declared_query_params(view: Any, request: Any) -> set[str]:
    """Every query parameter the view takes for this request: its query serializer's fields (GET),
    the parameters of its filter backends and paginator (lists), and DRF's format override."""
    names: set[str] = set()
    if api_settings.URL_FORMAT_OVERRIDE:
        names.add(api_settings.URL_FORMAT_OVERRIDE)
    query_serializer = getattr(view, "query_serializer", None)
    if query_serializer is not None and request.method in ("GET", "HEAD"):
        names.update(query_serializer().fields)
    if is_list_request(view, request):
        for backend in active_filter_backends(view):
            names.update(backend_params(backend(), view))
        paginator = getattr(view, "paginator", None)
        if paginator is not None:
            names.update(p["name"] for p in paginator.get_schema_operation_parameters(view))
    return names


class QueryBooleanField(serializers.BooleanField):
    """A boolean query parameter: absent is "no filter" (DRF's BooleanField reads absent as false)."""

    default_empty_html = serializers.empty

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def _existing(field: Any, value: Any) -> Any:
    qs = field.model._default_manager.all()
    if hasattr(qs, "restrict"):
        request = field.context.get("request")
        qs = qs.restrict(getattr(request, "user", None))
    found = qs.filter(**{field.lookup: value}).first()
    if found is None:
        raise serializers.ValidationError(
            _("No %(thing)s “%(value)s” that you may see.") % {"thing": field.model._meta.verbose_name, "value": value}
        )
    return found


class ExistingField(serializers.CharField):
    """A parameter naming an object by a unique field (a code, a SKU): the object, or a 400 when
    there is none the caller may see (restrict(user) when the model is scoped)."""

    def __init__(self, model: type[models.Model], field: str, **kwargs: Any) -> None:
        self.model, self.lookup = model, field
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        value = super().run_validation(data)
        return value if value in (None, "") else _existing(self, value)


class ExistingIdField(serializers.IntegerField):
    """ExistingField by id: a whole number naming an object the caller may see."""

    def __init__(self, model: type[models.Model], **kwargs: Any) -> None:
        self.model, self.lookup = model, "pk"
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)  # a larger id is a 400, not a database overflow
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        value = super().run_validation(data)
        return value if value in (None, "") else _existing(self, value)


class StrictQueryParams:
    """Mixin for every API view (tests walk the URL conf to prove it): a query parameter the view
    does not declare is a 400 naming it, and the values of `query_serializer` (GET) are validated
    before the handler runs, 400 naming the parameter that does not parse. The handler reads them,
    typed, from `self.query`. The same declarations make the OpenAPI parameters (oms.core.schema)."""

    query_serializer: type[serializers.Serializer] | None = None
    query: dict[str, Any]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # authentication and permissions first
        unknown = sorted(set(request.query_params) - declared_query_params(self, request))
        if unknown:
            raise InvalidQuery({name: [_("Unknown query parameter.")] for name in unknown})
        self.query = {}
        if self.query_serializer is not None and request.method in ("GET", "HEAD"):
            parsed = self.query_serializer(data=request.query_params, context={"request": request, "view": self})
            if not parsed.is_valid():
                raise InvalidQuery(dict(parsed.errors))
            self.query = dict(parsed.validated_data)
