"""OpenAPI generation (drf-spectacular): the parameters a view declares for StrictQueryParams, and the
project's error responses on every operation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from oms.core.api import active_filter_backends

ERROR_STATUSES = {
    "400": "The request or one of its parameters cannot be used; `fields` names them.",
    "401": "No credentials, or an unknown or revoked token.",
    "403": "Signed in, but this role may not do this.",
    "404": "Nothing with this id that you may see.",
    "409": "Conflicts with the current state (changed meanwhile, or not allowed from this state).",
    "413": "The upload or body is larger than the limit.",
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code, e.g. invalid_parameter."},
                "message": {"type": "string", "description": "What went wrong, in the caller's language."},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Field or parameter name -> its problems.",
                },
            },
        }
    },
}


class AutoSchema(SpectacularAutoSchema):
    def get_override_parameters(self) -> list[Any]:
        params = list(super().get_override_parameters())
        query_serializer = getattr(self.view, "query_serializer", None)
        if query_serializer is not None and self.method == "GET":
            params.append(query_serializer)
        return params

    def get_filter_backends(self) -> list[Any]:
        if not self._is_list_view():
            return []
        return active_filter_backends(self.view)


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Every operation lists the error answers it can give, each with the error body's schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_STATUSES.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result
