"""Changes to channels and SKU mappings: the only code that writes them (views, CLI and demo call these)."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oms.channels.models import Channel, Platform, SkuMapping
from oms.core import crypto
from oms.core.actor import Actor
from oms.inventory.models import Product
from oms.system.oplog import record


def _log(actor: Actor, action: str, obj: Any, detail: dict[str, Any]) -> None:
    record(actor=actor, action=action, target=str(obj), details=detail)


@transaction.atomic
def save_channel(
    *,
    actor: Actor,
    code: str,
    platform: str,
    name: str = "",
    shop: str = "",
    base_url: str = "",
    secret: str | None = None,
    token: str | None = None,
    active: bool | None = None,
    options: dict[str, Any] | None = None,
    instance: Channel | None = None,
) -> Channel:
    """Create a channel, or update `instance`. Secrets are only replaced when a new one is given."""
    if platform not in Platform.values:
        raise ValidationError(_("Unknown platform “%(platform)s”.") % {"platform": platform})
    channel = instance or Channel(code=code)
    created = channel.pk is None
    if created and Channel.objects.filter(code=code).exists():
        raise ValidationError(_("A channel with the code “%(code)s” exists already.") % {"code": code})
    channel.platform = platform
    channel.name = name or channel.name or code
    channel.shop = shop if shop or created else channel.shop
    channel.base_url = base_url if base_url or created else channel.base_url
    if secret:
        channel.secret = secret
    if token:
        channel.api_token = token
    if active is not None:
        channel.active = active
    if options is not None:
        channel.options = options
    channel.full_clean(exclude=["secret_encrypted", "token_encrypted"])
    channel.save()
    _log(actor, "channel.created" if created else "channel.updated", channel, {"code": channel.code})
    return channel


@transaction.atomic
def rotate_secret(*, actor: Actor, channel_id: int) -> tuple[Channel, str]:
    """Replace the channel's webhook secret with a new random one; returns (channel, the new secret),
    shown once to whoever rotated it, then only stored encrypted."""
    channel = Channel.objects.select_for_update().get(pk=channel_id)
    new_secret = secrets.token_urlsafe(32)
    channel.secret = new_secret
    channel.save(update_fields=["secret_encrypted", "updated_at"])
    _log(actor, "channel.secret_rotated", channel, {"code": channel.code})
    return channel, new_secret


SECRET_FIELDS = {"secret_encrypted": "webhook secret", "token_encrypted": "API token"}


def secret_states() -> list[tuple[str, str]]:
    """(what, crypto key state) of every secret stored on a channel."""
    rows = []
    for channel in Channel.objects.order_by("code"):
        for field, label in SECRET_FIELDS.items():
            state = crypto.key_state(getattr(channel, field))
            if state != crypto.EMPTY:
                rows.append((f"channel {channel.code} {label}", state))
    return rows


@transaction.atomic
def reencrypt_secrets(*, actor: Actor) -> int:
    """Re-encrypt with the current key every channel secret an old key (fallback) still reads."""
    n = 0
    for channel in Channel.objects.select_for_update().order_by("pk"):
        changed = [f for f in SECRET_FIELDS if crypto.key_state(getattr(channel, f)) == crypto.FALLBACK]
        for field in changed:
            setattr(channel, field, crypto.rotate(getattr(channel, field)))
        if changed:
            channel.save(update_fields=[*changed, "updated_at"])
            _log(actor, "channel.secrets_reencrypted", channel, {"fields": changed})
            n += len(changed)
    return n


@transaction.atomic
def set_column_mapping(*, actor: Actor, channel: Channel, mapping: dict[str, str]) -> Channel:
    options = dict(channel.options or {})
    options["column_mapping"] = {k: v.strip() for k, v in mapping.items() if v and v.strip()}
    channel.options = options
    channel.save(update_fields=["options", "updated_at"])
    _log(actor, "channel.mapping", channel, {"mapping": options["column_mapping"]})
    return channel


@transaction.atomic
def save_sku_mapping(
    *,
    actor: Actor,
    channel: Channel,
    platform_sku: str,
    sku: str,
    quantity: int = 1,
    instance: SkuMapping | None = None,
) -> SkuMapping:
    platform_sku = platform_sku.strip()
    if not platform_sku:
        raise ValidationError(_("The platform SKU is empty."))
    if quantity < 1:
        raise ValidationError(_("Units per platform unit must be at least 1."))
    product = Product.objects.filter(sku=sku.strip()).first()
    if product is None:
        raise ValidationError(_("No product has the SKU “%(sku)s”.") % {"sku": sku})
    mapping = (
        instance
        or SkuMapping.objects.filter(channel=channel, platform_sku=platform_sku).first()
        or SkuMapping(channel=channel)
    )
    clash = SkuMapping.objects.filter(channel=channel, platform_sku=platform_sku).exclude(pk=mapping.pk)
    if clash.exists():
        raise ValidationError(_("“%(sku)s” is mapped already.") % {"sku": platform_sku})
    mapping.platform_sku, mapping.product, mapping.quantity = platform_sku, product, quantity
    mapping.save()
    _log(actor, "sku_mapping.saved", mapping, {"platform_sku": platform_sku, "sku": product.sku, "quantity": quantity})
    return mapping


@transaction.atomic
def delete_sku_mapping(*, actor: Actor, mapping: SkuMapping) -> None:
    _log(actor, "sku_mapping.deleted", mapping, {"platform_sku": mapping.platform_sku})
    mapping.delete()


def import_sku_mappings(*, actor: Actor, channel: Channel, rows: list[tuple[int, list[Any]]]) -> tuple[int, list[str]]:
    """Rows of (platform SKU, our SKU[, units]); returns (saved, problems with row numbers)."""
    saved, problems = 0, []
    for number, row in rows:
        cells = [str(c).strip() if c is not None else "" for c in row] + ["", "", ""]
        if not cells[0] and not cells[1]:
            continue
        try:
            units = int(float(cells[2])) if cells[2] else 1
            save_sku_mapping(actor=actor, channel=channel, platform_sku=cells[0], sku=cells[1], quantity=units)
            saved += 1
        except (ValidationError, ValueError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            problems.append(_("Row %(row)s: %(problem)s") % {"row": number, "problem": message})
    return saved, problems
