"""State changes of the accounts area. Each records itself in the operation log in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.accounts import tokens
from oms.accounts.models import ApiToken
from oms.core.actor import Actor
from oms.system import oplog


@transaction.atomic
def lift_lockout(*, actor: Actor, username: str, ip: str | None, everywhere: bool = False) -> int:
    """Forget the failed sign-ins of `username` from `ip`, which ends its lockout. Returns rows removed.

    `everywhere` lifts the per-user lockout across addresses too: the sign-in log gets a "lifted"
    entry (the per-user count starts after it) and every address's count is cleared."""
    from axes.models import AccessAttempt

    from oms.accounts.lockout import user_failures
    from oms.accounts.models import LoginRecord

    rows = AccessAttempt.objects.filter(username=username)
    if not everywhere:
        rows = rows.filter(ip_address=ip) if ip else rows.filter(ip_address__isnull=True)
    removed, _detail = rows.delete()
    if everywhere and user_failures(username):
        LoginRecord.objects.create(username=username[:150], result=LoginRecord.Result.LIFTED, ip=actor.ip or None)
        removed += 1
    if not removed:
        raise ValidationError(_("There is no lockout of %(username)s to lift.") % {"username": username})
    oplog.record(
        actor=actor,
        action="accounts.lockout_lifted",
        target=username,
        details={"username": username, "ip": ip, "everywhere": everywhere},
    )
    return removed


@transaction.atomic
def issue_token(*, actor: Actor, user: Any, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for `user`. The key is returned once; only its hash is kept."""
    if not user.is_active:
        raise ValidationError(_("%(username)s is disabled and cannot get a token.") % {"username": user.username})
    key = tokens.new_key()
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], key_hash=tokens.hash_key(key), prefix=key[:8])
    oplog.record(
        actor=actor,
        action="accounts.token_issued",
        target=user.get_username(),
        details={"token": token.prefix, "name": token.name},
    )
    return token, key


@transaction.atomic
def revoke_token(*, actor: Actor, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token_id)
    if token.revoked_at is not None:
        raise ValidationError(_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    oplog.record(
        actor=actor,
        action="accounts.token_revoked",
        target=token.user.get_username(),
        details={"token": token.prefix, "name": token.name},
    )
    return token
