"""`oms channel add|list` and `oms import` in-process (the kill-and-rerun test runs real processes)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oms.channels.models import Channel
from oms.orders.models import Order

from .conftest import SAMPLES


def test_channel_add_list_update(db: Any) -> None:
    out = io.StringIO()
    call_command(
        "channel",
        "add",
        "woo-site",
        "--platform",
        "woocommerce",
        "--name",
        "官网",
        "--secret",
        "s1",
        "--url",
        "https://shop.example.cn",
        "--token",
        "ck_1:cs_2",
        stdout=out,
    )
    assert "/webhooks/woocommerce/woo-site/" in out.getvalue()
    channel = Channel.objects.get(code="woo-site")
    assert channel.secret == "s1" and channel.api_token == "ck_1:cs_2" and channel.base_url == "https://shop.example.cn"
    with pytest.raises(CommandError):
        call_command("channel", "add", "woo-site", "--platform", "woocommerce", stdout=io.StringIO())
    call_command(
        "channel", "add", "woo-site", "--platform", "woocommerce", "--update", "--inactive", stdout=io.StringIO()
    )
    channel.refresh_from_db()
    assert not channel.active and channel.secret == "s1"  # not given again: kept
    listing = io.StringIO()
    call_command("channel", "list", stdout=listing)
    assert "woo-site" in listing.getvalue() and "woocommerce" in listing.getvalue()


def test_import_command_summary_and_errors(make_channel: Any) -> None:
    make_channel("jd-store", "jd")
    out = io.StringIO()
    call_command(
        "import",
        str(SAMPLES / "jd_orders_utf8bom.csv"),
        "--channel",
        "jd-store",
        "--format",
        "jd",
        "--no-progress",
        stdout=out,
    )
    assert "imported 2, updated 0, unchanged 0, rejected rows 0" in out.getvalue()
    assert Order.objects.count() == 2
    with pytest.raises(CommandError, match="no channel"):
        call_command("import", str(SAMPLES / "jd_orders_utf8bom.csv"), "--channel", "nope", stdout=io.StringIO())
    with pytest.raises(CommandError, match="item report"):
        call_command(
            "import",
            str(SAMPLES / "taobao_orders_gbk.csv"),
            "--channel",
            "jd-store",
            "--format",
            "taobao",
            stdout=io.StringIO(),
        )
