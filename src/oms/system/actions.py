"""Actions of the settings area: saving and restoring runtime parameters, the test email.

Every save validates every submitted field first and stores nothing when one is wrong; the values,
the revision and the operation-log entry then commit in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oms.core import crypto
from oms.core.actor import Actor
from oms.system import oplog, params
from oms.system.models import Parameter, ParameterRevision

SECRET_MARK = {"secret": True}


def _effective(param: params.Param, stored: dict[str, Any]) -> Any:
    value = stored.get(param.key)
    return param.default if value is None else value


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """old -> new per changed key; secrets only say that they changed."""
    changes: dict[str, Any] = {}
    for key, param in params.REGISTRY.items():
        old, new = _effective(param, before), _effective(param, after)
        if param.type == "secret":
            if not crypto.same_secret(old or "", new or ""):
                changes[key] = SECRET_MARK
        elif old != new:
            changes[key] = {"old": old, "new": new}
    return changes


def validate_parameters(values: dict[str, Any]) -> dict[str, Any]:
    """Clean every submitted value; raise one ValidationError naming each bad field."""
    params.load_declarations()
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, raw in values.items():
        param = params.REGISTRY.get(key)
        if param is None:
            errors[key] = [_("Unknown parameter.")]
            continue
        if param.type == "secret" and (raw is None or str(raw).strip() == ""):
            continue  # empty secret input keeps the current value
        try:
            cleaned[key] = param.clean(raw)
        except ValidationError as exc:
            errors[key] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _stored_now() -> dict[str, Any]:
    return dict(Parameter.objects.values_list("key", "value"))


def _apply(target: dict[str, Any], *, actor: Actor, note: str, restored_from: ParameterRevision | None) -> Any:
    """Make the stored values equal `target` (key -> stored value, None = default) and record it."""
    before = _stored_now()
    after = dict(before)
    for key, value in target.items():
        if value is None:
            after.pop(key, None)
        else:
            after[key] = value
    changes = _diff(before, after)
    if not changes:
        return None
    for key in changes:
        if key in after:
            Parameter.objects.update_or_create(key=key, defaults={"value": after[key]})
        else:
            Parameter.objects.filter(key=key).delete()
    revision = ParameterRevision.objects.create(
        actor_user_id=actor.user_id,
        actor_name=actor.name,
        ip=actor.ip or None,
        note=note[:300],
        changes=changes,
        snapshot=_stored_now(),
        restored_from=restored_from,
    )
    oplog.record(
        actor=actor,
        action="parameters.restore" if restored_from else "parameters.save",
        target=", ".join(sorted(changes)),
        details={"revision": revision.pk, "changes": changes}
        | ({"restored_from": restored_from.pk} if restored_from else {}),
    )
    params.invalidate()
    transaction.on_commit(params.invalidate)
    return revision


@transaction.atomic
def save_parameters(*, values: dict[str, Any], actor: Actor, note: str = "") -> ParameterRevision | None:
    """Validate all of `values` (key -> submitted value), then store them as one revision.

    Returns the revision, or None when nothing changed. Raises ValidationError({key: [messages]}).
    """
    cleaned = validate_parameters(values)
    target: dict[str, Any] = {}
    current = _stored_now()
    for key, value in cleaned.items():
        param = params.REGISTRY[key]
        if param.type == "secret":
            if crypto.same_secret(current.get(key) or "", crypto.encrypt(value)):
                continue
            value = crypto.encrypt(value)
        target[key] = value
    return _apply(target, actor=actor, note=note, restored_from=None)


@transaction.atomic
def restore_revision(*, revision_id: int, actor: Actor) -> ParameterRevision | None:
    """Bring every parameter back to its value right after `revision_id`; itself a new revision."""
    params.load_declarations()
    revision = ParameterRevision.objects.get(pk=revision_id)
    snapshot = revision.snapshot or {}
    target: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, param in params.REGISTRY.items():
        value = snapshot.get(key)
        if value is not None and param.type != "secret":
            try:
                value = param.clean(value)
            except ValidationError as exc:  # a limit changed since: refuse rather than store a bad value
                errors[key] = list(exc.messages)
        target[key] = value
    if errors:
        raise ValidationError(errors)
    return _apply(
        target, actor=actor, note=_("Restored revision #%(id)s") % {"id": revision.pk}, restored_from=revision
    )


def send_test_email(*, to: str, actor: Actor) -> tuple[bool, str]:
    """Send one email through the SMTP server of the notification parameters; (ok, error text)."""
    from django.core.mail import EmailMessage
    from django.core.validators import validate_email

    from oms.system.mail import RuntimeSMTPBackend, sender

    try:
        validate_email(to)
    except ValidationError:
        return False, _("Enter a valid email address.")
    params.invalidate()
    try:
        connection = RuntimeSMTPBackend(fail_silently=False)
        message = EmailMessage(
            subject=_("OMS test email"),
            body=_("This is a test email from OMS. Your notification settings work."),
            from_email=sender(),
            to=[to],
            connection=connection,
        )
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - the operator needs the SMTP error text itself
        error = f"{exc.__class__.__name__}: {exc}"
        oplog.record(actor=actor, action="notifications.test_email", target=to, details={"ok": False, "error": error})
        return False, error
    oplog.record(actor=actor, action="notifications.test_email", target=to, details={"ok": True})
    return True, ""


def secret_parameter_states() -> list[tuple[str, str]]:
    """(parameter key, crypto key state) of every stored secret parameter."""
    params.load_declarations()
    keys = [k for k, p in params.REGISTRY.items() if p.type == "secret"]
    rows = []
    for key, value in Parameter.objects.filter(key__in=keys).order_by("key").values_list("key", "value"):
        state = crypto.key_state(value or "")
        if state != crypto.EMPTY:
            rows.append((key, state))
    return rows


@transaction.atomic
def reencrypt_secret_parameters(*, actor: Actor) -> int:
    """Re-encrypt with the current key the secret parameters an old key (fallback) still reads.
    The plain values do not change, so this is no new revision; the operation log records it."""
    done = []
    for key, state in secret_parameter_states():
        if state == crypto.FALLBACK:
            row = Parameter.objects.select_for_update().get(key=key)
            row.value = crypto.rotate(str(row.value or ""))
            row.save(update_fields=["value", "updated_at"])
            done.append(key)
    if done:
        oplog.record(actor=actor, action="parameters.secrets_reencrypted", target="parameters", details={"keys": done})
        transaction.on_commit(params.invalidate)
    return len(done)
