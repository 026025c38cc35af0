"""How OpenAPI describes our token authentication (imported by AccountsConfig.ready)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "oms.accounts.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token (Settings → API tokens). Send `Authorization: Bearer <key>` "
                "(what Swagger's Authorize does with the key you paste) or `Authorization: Token <key>`."
            ),
        }
