"""Administration of review: the rule set and the blacklist, each change in the operations log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oms.core.actor import Actor
from oms.orders import rules as intake_rules
from oms.orders.review.models import BlacklistEntry, ReviewRule


@transaction.atomic
def save_rule(*, rule: ReviewRule, actor: Actor, created: bool = False) -> ReviewRule:
    from oms.system import oplog

    before: dict[str, Any] = {}
    if rule.pk:
        old: dict[str, Any] = dict(ReviewRule.objects.filter(pk=rule.pk).values().first() or {})
        before = {k: old.get(k) for k in ("kind", "params", "outcome", "enabled", "position", "description")}
    rule.save()
    after = {k: getattr(rule, k) for k in ("kind", "params", "outcome", "enabled", "position", "description")}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    oplog.record(
        actor=actor,
        action="review_rule.created" if created else "review_rule.changed",
        target=rule.code,
        details={"changes": changes},
    )
    return rule


@transaction.atomic
def delete_rule(*, rule_id: int, actor: Actor) -> None:
    from oms.system import oplog

    rule = ReviewRule.objects.get(pk=rule_id)
    oplog.record(actor=actor, action="review_rule.deleted", target=rule.code, details={"kind": rule.kind})
    rule.delete()


@transaction.atomic
def add_blacklist(*, kind: str, value: str, reason: str, actor: Actor, user: Any = None) -> BlacklistEntry:
    from oms.system import oplog

    value = value.strip()
    if kind == "phone":
        value = intake_rules.normalise_phone(value)
    if not value:
        raise ValidationError({"value": _("Enter a value.")})
    entry, _created = BlacklistEntry.objects.get_or_create(
        kind=kind, value=value[:300], defaults={"reason": reason.strip()[:300], "created_by": user}
    )
    oplog.record(actor=actor, action="blacklist.added", target=f"{kind}:{value}"[:300], details={"reason": reason})
    return entry


@transaction.atomic
def remove_blacklist(*, entry_id: int, actor: Actor) -> None:
    from oms.system import oplog

    entry = BlacklistEntry.objects.get(pk=entry_id)
    oplog.record(actor=actor, action="blacklist.removed", target=f"{entry.kind}:{entry.value}"[:300])
    entry.delete()
