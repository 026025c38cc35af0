"""Console views: the same module and permission checks the API applies."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def can_access(user: Any, module: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(f"core.access_{module}"))


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
