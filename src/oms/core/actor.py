"""Who did something: a person, the system itself, a sales channel or a carrier."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" | "system" | "channel" | "carrier" | "customer"
    user_id: int | None = None
    name: str = ""
    ip: str | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(kind="system", name=name)

    @classmethod
    def channel(cls, code: str) -> Actor:
        return cls(kind="channel", name=code)

    @classmethod
    def carrier(cls, code: str) -> Actor:
        return cls(kind="carrier", name=code)

    @classmethod
    def for_user(cls, user: Any, ip: str | None = None) -> Actor:
        return cls(kind="user", user_id=user.pk, name=user.get_username(), ip=ip)

    @classmethod
    def from_request(cls, request: Any) -> Actor:
        return cls.for_user(request.user, ip=client_ip(request))

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "user_id": self.user_id, "name": self.name}

    def __str__(self) -> str:
        return self.name or self.kind


def client_ip(request: Any) -> str | None:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR")


def _system_names() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    return {
        "system": pgettext_lazy("actor", "System"),
        "auto-confirm": _("Automatic confirmation"),
        "cli": _("Command line"),
        "demo": _("Demo data"),
        "merge rule": _("Merge rule"),
        "review": _("Automatic review"),
        "scheduler": _("Scheduler"),
        "stock": _("Stock update"),
    }


def actor_label(kind: str, name: str) -> str:
    """Who did it, as a person reads it: a user's name as is, the system's parts in words."""
    from django.utils.translation import pgettext

    if kind == "system":
        word = _system_names().get(name or "system")
        return str(word) if word is not None else pgettext("actor", "System")
    return name or actor_kind_label(kind)


def actor_kind_label(kind: str) -> str:
    from django.utils.translation import pgettext

    return {
        "user": pgettext("actor", "User"),
        "channel": pgettext("actor", "Sales channel"),
        "carrier": pgettext("actor", "Carrier"),
        "customer": pgettext("actor", "Customer"),
    }.get(kind, pgettext("actor", "System"))
