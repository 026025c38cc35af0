from typing import Any

from django.http import HttpRequest

from oms.web.modules import visible_modules, visible_sections


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current = {
        "orders": "orders",
        "channels": "orders",
        "inventory": "inventory",
        "logistics": "logistics",
        "support": "support",
        "system": "settings",
        "monitoring": "dashboard",
    }.get(namespace, "")
    if match and match.url_name == "module":
        current = match.kwargs.get("code", "")
    if not current and namespace == "web":
        current = "dashboard"
    return {
        "nav_modules": visible_modules(user),
        "nav_current": current,
        "nav_sections": visible_sections(user, current) if current else [],
    }
