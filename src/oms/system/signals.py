"""Sign-ins of administrators go into the operation log (other users' sign-ins are in the login log)."""

from __future__ import annotations

from typing import Any

from oms.core.actor import Actor
from oms.core.roles import ADMINISTRATOR, group_name


def record_admin_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if not (user.is_superuser or user.groups.filter(name=group_name(ADMINISTRATOR)).exists()):
        return
    from oms.core.actor import client_ip
    from oms.system import oplog

    # request.user is not set yet during login(); the user is the one signing in.
    actor = Actor.for_user(user, ip=client_ip(request) if request is not None else None)
    oplog.record(actor=actor, action="sign_in", target=user.get_username())
