"""Outgoing email through the SMTP server set in the runtime notification parameters."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.smtp import EmailBackend


class RuntimeSMTPBackend(EmailBackend):
    """Django's SMTP backend, configured per connection from `notifications.*` parameters."""

    def __init__(self, **kwargs: Any) -> None:
        from oms.core import crypto
        from oms.system import params

        kwargs.setdefault("host", params.get("notifications.smtp_host"))
        kwargs.setdefault("port", int(params.get("notifications.smtp_port")))
        kwargs.setdefault("username", params.get("notifications.smtp_user"))
        kwargs.setdefault("password", crypto.decrypt(params.get("notifications.smtp_password"), "SMTP password"))
        security = params.get("notifications.smtp_security")
        kwargs.setdefault("use_tls", security == "starttls")
        kwargs.setdefault("use_ssl", security == "ssl")
        kwargs.setdefault("timeout", 15)
        super().__init__(**kwargs)


def sender() -> str:
    from oms.system import params

    return params.get("notifications.sender") or "oms@localhost"
