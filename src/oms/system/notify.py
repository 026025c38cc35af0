"""Who gets an email for which event: the `notifications.event_roles` parameter, read at send time.

Areas call `send_event_email("low_stock", subject, body)` (after commit); the recipients are the
active users holding one of the roles configured for that event.
"""

from __future__ import annotations

import logging
from typing import Any

from oms.core.personal import mask_text
from oms.core.roles import ROLES

log = logging.getLogger(__name__)


def recipients_for(event: str) -> list[str]:
    """Email addresses of active users in the roles configured for `event` (role codes or group names)."""
    from django.contrib.auth import get_user_model

    from oms.system import params

    configured = (params.get("notifications.event_roles") or {}).get(event, [])
    names = {ROLES[r][0] if r in ROLES else r for r in configured}
    if not names:
        return []
    users: Any = get_user_model().objects.filter(is_active=True, groups__name__in=names).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def send_event_email(event: str, subject: str, body: str) -> int:
    """Send one email to the event's recipients through the runtime SMTP settings; returns how many
    addresses it went to (0 when nobody is configured). SMTP errors are logged, not raised, so that a
    mail outage never breaks the work that raised the event."""
    from django.core.mail import EmailMessage

    from oms.system.mail import RuntimeSMTPBackend, sender

    to = recipients_for(event)
    if not to:
        return 0
    try:
        # mail leaves the system's permission checks: personal numbers go out masked
        subject, body = mask_text(subject), mask_text(body)
        EmailMessage(subject=subject, body=body, from_email=sender(), to=to, connection=RuntimeSMTPBackend()).send()
    except Exception:  # noqa: BLE001 - logged for the operator; the caller's work must go on
        log.exception("could not send the %s email", event)
        return 0
    return len(to)
