"""oms secrets [--rotate]: which key each stored secret is encrypted with; re-encrypt old ones."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oms.core import crypto
from oms.core.actor import Actor


def all_states() -> list[tuple[str, str]]:
    from oms.channels.actions import secret_states
    from oms.system.actions import secret_parameter_states

    return secret_states() + [(f"parameter {key}", state) for key, state in secret_parameter_states()]


class Command(BaseCommand):
    help = (
        "List the stored secrets (channel secrets and tokens, secret parameters) with the key that decrypts "
        "each: current, fallback (an old key in OMS_SECRET_KEY_FALLBACKS: run with --rotate) or none "
        "(set that secret again). --rotate re-encrypts the fallback ones with the current key."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rotate", action="store_true", help="re-encrypt secrets an old key reads")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rotate"]:
            from oms.channels.actions import reencrypt_secrets
            from oms.system.actions import reencrypt_secret_parameters

            actor = Actor.system(f"cli:{getpass.getuser()}")
            n = reencrypt_secrets(actor=actor) + reencrypt_secret_parameters(actor=actor)
            self.stdout.write(f"re-encrypted with the current key: {n}")
        states = all_states()
        for what, state in states:
            self.stdout.write(f"{state:<14} {what}")
        if not states:
            self.stdout.write("no stored secrets")
        unreadable = [what for what, state in states if state == crypto.UNDECRYPTABLE]
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} secret(s) no key decrypts: set them again, or add the old key to "
                "OMS_SECRET_KEY_FALLBACKS"
            )
