"""oms channel add CODE --platform P [--name N] [--secret S] [--url U --token T]; oms channel list."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oms.channels import actions, registry
from oms.channels.models import Channel, Platform
from oms.core.actor import Actor


class Command(BaseCommand):
    help = "Set up sales channels from the terminal."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        add = sub.add_parser("add", help="add a channel (or update it with --update)")
        add.add_argument("code")
        add.add_argument("--platform", required=True, choices=[p for p in Platform.values if p != "api"])
        add.add_argument("--name", default="")
        add.add_argument("--shop", default="")
        add.add_argument("--secret", default=None, help="webhook signing secret")
        add.add_argument("--url", default="", help="shop or site base URL, for pulls")
        add.add_argument("--token", default=None, help="Shopify access token, or WooCommerce key:secret")
        add.add_argument("--inactive", action="store_true")
        add.add_argument("--update", action="store_true", help="change an existing channel")
        sub.add_parser("list", help="list channels")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["what"] == "list":
            rows = Channel.objects.order_by("code")
            self.stdout.write(f"{'CODE':<24} {'PLATFORM':<12} {'ACTIVE':<7} {'SECRET':<7} NAME")
            for c in rows:
                self.stdout.write(
                    f"{c.code:<24} {c.platform:<12} {'yes' if c.active else 'no':<7} "
                    f"{'set' if c.secret_encrypted else '-':<7} {c.name}"
                )
            return
        instance = Channel.objects.filter(code=opts["code"]).first()
        if instance and not opts["update"]:
            raise CommandError(f"channel {opts['code']} exists; add --update to change it")
        try:
            channel = actions.save_channel(
                actor=Actor.system("cli"),
                code=opts["code"],
                platform=opts["platform"],
                name=opts["name"],
                shop=opts["shop"],
                base_url=opts["url"],
                secret=opts["secret"],
                token=opts["token"],
                active=not opts["inactive"],
                instance=instance,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"channel {channel.code} ({channel.platform}) saved"))
        if registry.get(channel.platform) is not None:
            self.stdout.write(f"webhook URL: /webhooks/{channel.platform}/{channel.code}/")
