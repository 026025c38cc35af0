"""Recording administrative operations. Call inside the action's transaction so that the record
and the change commit (or roll back) together.

An entry stores an action code and its details as data; `action_label` and `detail_lines` say them
in the reader's language when the log is shown or exported (never stored as sentences)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from oms.core.actor import Actor

ACTIONS: dict[str, Any] = {
    "sign_in": _("Signed in"),
    "user.create": _("User created"),
    "user.update": _("User changed"),
    "user.enable": _("User enabled"),
    "user.disable": _("User disabled"),
    "user.reset_password": _("Password reset"),
    "role.create": _("Role created"),
    "role.rename": _("Role renamed"),
    "role.delete": _("Role deleted"),
    "role.permissions": _("Role permissions changed"),
    "parameters.save": _("Parameters saved"),
    "parameters.restore": _("Parameters restored"),
    "parameters.secrets_reencrypted": _("Secret parameters re-encrypted"),
    "channel.created": _("Channel created"),
    "channel.updated": _("Channel changed"),
    "channel.secret_rotated": _("Channel webhook secret replaced"),
    "channel.secrets_reencrypted": _("Channel secrets re-encrypted"),
    "channel.mapping": _("Channel column mapping changed"),
    "sku_mapping.saved": _("SKU mapping saved"),
    "sku_mapping.deleted": _("SKU mapping deleted"),
    "notifications.test_email": _("Test email sent"),
    "backup.create": _("Backup taken"),
    "backup.failed": _("Backup failed"),
    "backup.download": _("Backup downloaded"),
    "backup.restore": _("Backup restored"),
    "backup.restore_refused": _("Restore refused"),
    "accounts.lockout_lifted": _("Sign-in lockout lifted"),
    "accounts.token_issued": _("API token issued"),
    "accounts.token_revoked": _("API token revoked"),
    "review_rule.created": _("Review rule created"),
    "review_rule.changed": _("Review rule changed"),
    "review_rule.deleted": _("Review rule deleted"),
    "blacklist.added": _("Added to the blacklist"),
    "blacklist.removed": _("Removed from the blacklist"),
    "inventory.warehouse_created": _("Warehouse created"),
    "inventory.warehouse_changed": _("Warehouse changed"),
    "inventory.warehouse_activated": _("Warehouse activated"),
    "inventory.warehouse_deactivated": _("Warehouse deactivated"),
    "inventory.location_created": _("Location created"),
    "inventory.location_changed": _("Location changed"),
    "inventory.lane_created": _("Transfer lane created"),
    "inventory.lane_changed": _("Transfer lane changed"),
    "inventory.shipping_cost_created": _("Shipping cost created"),
    "inventory.shipping_cost_changed": _("Shipping cost changed"),
    "inventory.shipping_cost_deleted": _("Shipping cost deleted"),
    "inventory.kit_changed": _("Kit changed"),
}
# The action codes' first part, for the log's filter.
ACTION_GROUPS: dict[str, Any] = {
    "sign_in": pgettext_lazy("operation log", "Sign-in"),
    "user": pgettext_lazy("operation log", "Users"),
    "role": pgettext_lazy("operation log", "Roles"),
    "parameters": pgettext_lazy("operation log", "Parameters"),
    "notifications": pgettext_lazy("operation log", "Notifications"),
    "backup": pgettext_lazy("operation log", "Backups"),
    "accounts": pgettext_lazy("operation log", "Sign-in and API"),
    "review_rule": pgettext_lazy("operation log", "Review rules"),
    "channel": pgettext_lazy("operation log", "Channels"),
    "sku_mapping": pgettext_lazy("operation log", "SKU mappings"),
    "blacklist": pgettext_lazy("operation log", "Blacklist"),
    "inventory": pgettext_lazy("operation log", "Inventory"),
}
# Keys found in details, as words. A key not listed here (a model field) is looked up as a field label.
DETAIL_KEYS: dict[str, Any] = {
    "changes": pgettext_lazy("operation log", "Changes"),
    "kind": pgettext_lazy("operation log", "Kind"),
    "reason": pgettext_lazy("operation log", "Reason"),
    "roles": pgettext_lazy("operation log", "Roles"),
    "channels": pgettext_lazy("operation log", "Channels"),
    "warehouses": pgettext_lazy("operation log", "Warehouses"),
    "name": pgettext_lazy("operation log", "Name"),
    "email": pgettext_lazy("operation log", "Email"),
    "members": pgettext_lazy("operation log", "Members"),
    "old": pgettext_lazy("operation log", "Before"),
    "new": pgettext_lazy("operation log", "After"),
    "before": pgettext_lazy("operation log", "Before"),
    "after": pgettext_lazy("operation log", "After"),
    "added": pgettext_lazy("operation log", "Added"),
    "removed": pgettext_lazy("operation log", "Removed"),
    "rows": pgettext_lazy("operation log", "Rows"),
    "size": pgettext_lazy("operation log", "Size (bytes)"),
    "path": pgettext_lazy("operation log", "File"),
    "content_hash": pgettext_lazy("operation log", "Checksum"),
    "revision": pgettext_lazy("operation log", "Revision"),
    "restored_from": pgettext_lazy("operation log", "Restored from revision"),
    "ok": pgettext_lazy("operation log", "Succeeded"),
    "error": pgettext_lazy("operation log", "Error"),
    "username": pgettext_lazy("operation log", "User name"),
    "ip": pgettext_lazy("operation log", "IP address"),
    "token": pgettext_lazy("operation log", "Token"),
    "base": pgettext_lazy("operation log", "Base fee"),
    "per_kg": pgettext_lazy("operation log", "Per kg"),
    "component": pgettext_lazy("operation log", "Component"),
    "secret": pgettext_lazy("operation log", "Secret"),
    "keys": pgettext_lazy("operation log", "Parameters"),
    "fields": pgettext_lazy("operation log", "Fields"),
    "mapping": pgettext_lazy("operation log", "Column mapping"),
}


def record(*, actor: Actor, action: str, target: str = "", details: dict[str, Any] | None = None) -> Any:
    from oms.system.models import OperationLog

    return OperationLog.objects.create(
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_name=actor.name,
        ip=actor.ip or None,
        action=action,
        target=target[:300],
        details=details or {},
    )


def action_label(code: str) -> str:
    word = ACTIONS.get(code)
    return str(word) if word is not None else gettext("Other operation")


def group_label(prefix: str) -> str:
    word = ACTION_GROUPS.get(prefix)
    return str(word) if word is not None else gettext("Other operation")


def key_label(key: str) -> str:
    """A details key as words: a known key, a runtime parameter's label, a model field's label."""
    from oms.system import params

    word = DETAIL_KEYS.get(key)
    if word is not None:
        return str(word)
    if key in params.REGISTRY:
        return str(params.REGISTRY[key].label)
    label = _field_labels().get(key)
    return label if label is not None else key


def _field_labels() -> dict[str, str]:
    from django.apps import apps

    out: dict[str, str] = {}
    for model in apps.get_models():
        if model._meta.app_label in ("inventory", "orders", "channels", "accounts", "system"):
            for f in model._meta.get_fields():
                if hasattr(f, "verbose_name") and f.name not in out:
                    out[f.name] = str(f.verbose_name)
    return out


def value_text(value: Any) -> str:
    """A details value as text: lists joined, [old, new] and {"old", "new"} as old → new, yes/no."""
    from oms.core.roles import role_label

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        if set(value) == {"old", "new"}:
            return f"{value_text(value['old'])} → {value_text(value['new'])}"
        return "；".join(f"{key_label(k)}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(role_label(str(v)) if isinstance(v, str) else value_text(v) for v in value) or "—"
    return str(value)


def detail_lines(details: Any) -> list[tuple[str, str]]:
    """The details of an entry as (label, value) lines; the changes of a save one line per field."""
    if not isinstance(details, dict):
        return [(gettext("Details"), str(details))] if details else []
    lines: list[tuple[str, str]] = []
    for key, value in details.items():
        if key == "changes" and isinstance(value, dict):
            for field, change in value.items():
                if isinstance(change, list | tuple) and len(change) == 2:
                    lines.append((key_label(field), f"{value_text(change[0])} → {value_text(change[1])}"))
                else:
                    lines.append((key_label(field), value_text(change)))
        else:
            lines.append((key_label(key), value_text(value)))
    return lines


def details_text(details: Any) -> str:
    return "；".join(f"{label}: {value}" for label, value in detail_lines(details))
