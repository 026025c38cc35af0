"""Background work of the monitoring area: emails about new alerts, sent by the worker after the
transaction that raised them committed."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

MAX_LINES = 50  # a bulk import can raise thousands: the email lists the first ones and counts the rest


def email_for(kind_code: str, messages: list[str]) -> tuple[str, str]:
    """(subject, body) of the email announcing these new alerts of one kind, in the active language."""
    from oms.monitoring.kinds import KINDS

    kind = KINDS[kind_code]
    subject = _("OMS: %(kind)s (%(n)s new)") % {"kind": kind.label, "n": len(messages)}
    lines = messages[:MAX_LINES]
    if len(messages) > MAX_LINES:
        lines.append(_("… and %(n)s more.") % {"n": len(messages) - MAX_LINES})
    return subject, "\n".join(lines)


def send_raised(alert_ids: list[int]) -> int:
    """Email the recipients of each kind's notification event about the alerts (still active) among
    `alert_ids`; returns how many emails went out. Written in the site's language."""
    from oms.monitoring.kinds import ACTIVE_STATES, KINDS
    from oms.monitoring.models import Alert
    from oms.system.notify import send_event_email

    by_kind: dict[str, list[str]] = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):
        for alert in Alert.objects.filter(pk__in=alert_ids, state__in=ACTIVE_STATES).order_by("pk"):
            if KINDS[alert.kind].notify_event:
                by_kind[alert.kind].append(alert.message)
        sent = 0
        for kind_code, messages in by_kind.items():
            subject, body = email_for(kind_code, messages)
            sent += bool(send_event_email(KINDS[kind_code].notify_event, subject, body))
    return sent


@db_task(retries=3, retry_delay=60)
def notify_raised(alert_ids: list[int]) -> None:
    send_raised(alert_ids)
