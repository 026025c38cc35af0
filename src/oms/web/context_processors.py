from typing import Any

from django.http import HttpRequest

from oms.core.permissions import view_access
from oms.web.modules import MODULE_CODES, visible_modules, visible_sections

# Which module each area's URL namespace belongs to (also what the permission matrix test expects).
NAMESPACE_MODULES = {
    "orders": "orders",
    "channels": "orders",
    "inventory": "inventory",
    "logistics": "logistics",
    "support": "support",
    "system": "settings",
    "monitoring": "dashboard",
}


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current = NAMESPACE_MODULES.get(namespace, "")
    declared = view_access(match.func) if match else None
    if declared and declared[0] in MODULE_CODES:
        current = declared[0]  # e.g. the accounts pages of the Settings module
    if match and match.url_name == "module":
        current = match.kwargs.get("code", "")
    if not current and namespace == "web":
        current = "dashboard"
    return {
        "nav_modules": visible_modules(user),
        "nav_current": current,
        "nav_sections": visible_sections(user, current) if current else [],
    }
