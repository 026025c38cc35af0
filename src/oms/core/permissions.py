"""Console views: the same module and permission checks the API applies."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

# Access levels a view may declare besides a module code (read by the permission matrix test).
PUBLIC = "public"  # anyone, signed in or not: sign-in page, health check, webhooks, tracking pages
SIGNED_IN = "signed_in"  # any signed-in user: own password, language, /api/v1/me/


def can_access(user: Any, module: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(f"core.access_{module}"))


def declare_access(access: str) -> Callable:
    """Marks a view that is deliberately not behind a module: `@declare_access(PUBLIC)`.

    Every project view declares either a module (through module_required, ModuleRequiredMixin or
    ModulePermission) or one of these; the permission matrix test fails for a view that declares neither.
    """
    if access not in (PUBLIC, SIGNED_IN):
        raise ValueError(f"unknown access level {access!r}")

    def decorator(view: Any) -> Any:
        view.oms_module = access
        view.oms_perms = ()
        return view

    return decorator


def view_access(view: Any) -> tuple[str, tuple[str, ...]] | None:
    """(module or access level, permissions needed for GET) that a resolved view function declares, or None."""
    if getattr(view, "oms_module", None):
        return view.oms_module, tuple(getattr(view, "oms_perms", ()))
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        if getattr(view_class, "oms_module", None):
            return view_class.oms_module, ()
        if issubclass(view_class, ModuleRequiredMixin) and view_class.module:
            return view_class.module, tuple(view_class.required_perms)
    drf_class = getattr(view, "cls", None)
    if drf_class is not None:
        if getattr(drf_class, "oms_module", None):
            return drf_class.oms_module, ()
        from oms.core.api import ModulePermission

        uses_module = any(
            isinstance(p, type) and issubclass(p, ModulePermission)
            for p in getattr(drf_class, "permission_classes", ())
        )
        if uses_module and getattr(drf_class, "module", None):
            required = getattr(drf_class, "required_perms", {}) or {}
            return drf_class.module, tuple(required.get("GET", required.get("*", [])))
    return None


def module_required(module: str, perms: Iterable[str] = ()) -> Callable:
    """Decorator for function views: signed in, may open `module`, and holds every perm in `perms`."""
    needed = tuple(perms)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can_access(request.user, module) or not request.user.has_perms(needed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.oms_module = module  # type: ignore[attr-defined]
        wrapped.oms_perms = needed  # type: ignore[attr-defined]
        return wrapped

    return decorator


class ModuleRequiredMixin(AccessMixin):
    """Class-based view version of `module_required`: set `module` and optionally `required_perms`."""

    module: str = ""
    required_perms: tuple[str, ...] = ()

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can_access(request.user, self.module) or not request.user.has_perms(self.required_perms):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
