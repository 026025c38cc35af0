"""`oms token create USERNAME [--name N]` prints a new API key; `oms token revoke PREFIX`; `oms token list`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oms.core.actor import Actor

CLI_ACTOR = Actor(kind="system", name="cli")


class Command(BaseCommand):
    help = "Issue, revoke and list API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token and print its key (shown only this once)")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")
        revoke = sub.add_parser("revoke", help="revoke the active token whose key starts with PREFIX")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="list active tokens")

    def handle(self, *args: Any, **opts: Any) -> None:
        from oms.accounts import actions
        from oms.accounts.models import ApiToken

        if opts["action"] == "create":
            user = get_user_model().objects.filter(username=opts["username"]).first()
            if user is None:
                raise CommandError(f"no user named {opts['username']!r}")
            try:
                _token, key = actions.issue_token(actor=CLI_ACTOR, user=user, name=opts["name"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(key)
        elif opts["action"] == "revoke":
            prefix = opts["prefix"].strip()[:8]
            if len(prefix) < 4:
                raise CommandError("give at least the first 4 characters of the key")
            found = list(ApiToken.objects.filter(prefix__startswith=prefix, revoked_at__isnull=True))
            if not found:
                raise CommandError(f"no active token starts with {prefix!r}")
            if len(found) > 1:
                raise CommandError(f"{len(found)} active tokens start with {prefix!r}: give more characters")
            token = actions.revoke_token(actor=CLI_ACTOR, token_id=found[0].pk)
            self.stdout.write(f"revoked {token.prefix}… of {token.user.get_username()}")
        else:
            for t in ApiToken.objects.filter(revoked_at__isnull=True).select_related("user"):
                used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never used"
                self.stdout.write(f"{t.prefix}…  {t.user.get_username():20}  {t.name:30}  {used}")
