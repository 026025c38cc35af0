"""Stored secrets after the key changed: an error that says so (console, webhook, log), old keys that
still decrypt until `oms secrets --rotate` re-encrypts with the current key."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from oms.channels.adapters import shopify
from oms.channels.models import Channel, InboundDelivery, Platform
from oms.core import crypto
from oms.core.actor import Actor

OLD, NEW = "the-old-secret-key", "the-new-secret-key"


def test_round_trip_and_empty() -> None:
    assert crypto.decrypt(crypto.encrypt("s3cret")) == "s3cret"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == "" and crypto.key_state("") == crypto.EMPTY


def test_a_secret_of_another_key_is_an_error_not_an_empty_string(caplog: Any) -> None:
    with override_settings(SECRET_KEY=OLD):
        token = crypto.encrypt("s3cret")
    with override_settings(SECRET_KEY=NEW), caplog.at_level(logging.ERROR, logger="oms.crypto"):
        assert crypto.key_state(token) == crypto.UNDECRYPTABLE
        with pytest.raises(crypto.SecretUndecryptable) as raised:
            crypto.decrypt(token, "channel x webhook secret")
    assert "key changed" in str(raised.value)
    assert "channel x webhook secret" in caplog.text


def test_fallback_keys_decrypt_and_rotate_re_encrypts() -> None:
    with override_settings(SECRET_KEY=OLD):
        token = crypto.encrypt("s3cret")
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert crypto.decrypt(token) == "s3cret" and crypto.key_state(token) == crypto.FALLBACK
        rotated = crypto.rotate(token)
        assert crypto.key_state(rotated) == crypto.CURRENT
    with override_settings(SECRET_KEY=NEW):
        assert crypto.decrypt(rotated) == "s3cret"
        assert crypto.same_secret(rotated, crypto.encrypt("s3cret")) and not crypto.same_secret(token, rotated)


@pytest.fixture
def stale_channel(db: Any) -> Channel:
    """A Shopify channel whose secret was stored under the old key."""
    from oms.channels import actions

    with override_settings(SECRET_KEY=OLD):
        return actions.save_channel(actor=Actor.system("t"), code="shop-old", platform=Platform.SHOPIFY, secret="wh")


@pytest.mark.django_db
def test_webhook_answers_a_clear_error_and_logs(client: Any, stale_channel: Channel, caplog: Any) -> None:
    body = b'{"id": 7}'
    with caplog.at_level(logging.ERROR, logger="oms.crypto"):
        response = client.post(
            "/webhooks/shopify/shop-old/",
            data=body,
            content_type="application/json",
            HTTP_X_SHOPIFY_TOPIC="orders/create",
            HTTP_X_SHOPIFY_HMAC_SHA256=shopify.sign("wh", body),
        )
    assert response.status_code == 503 and response.json()["error"]["code"] == "secret_undecryptable"
    assert "shop-old" in caplog.text and not InboundDelivery.objects.exists()


@pytest.mark.django_db
def test_console_and_api_say_the_secret_cannot_be_decrypted(admin_client: Any, stale_channel: Channel) -> None:
    page = admin_client.get(f"/channels/{stale_channel.pk}/").content.decode()
    assert 'data-testid="secret-undecryptable"' in page and "set it again" in page
    api = admin_client.get(f"/api/v1/channels/{stale_channel.pk}/").json()
    assert api["secret_state"] == crypto.UNDECRYPTABLE


@pytest.mark.django_db
def test_oms_secrets_lists_and_rotates(stale_channel: Channel) -> None:
    from oms.system import params

    with override_settings(SECRET_KEY=OLD):
        params.set_value("notifications.smtp_password", "mail-pw")
    out = io.StringIO()
    with pytest.raises(CommandError, match="no key decrypts"):
        call_command("secrets", stdout=out)
    assert "undecryptable  channel shop-old webhook secret" in out.getvalue()
    with override_settings(SECRET_KEY_FALLBACKS=[OLD]):
        out = io.StringIO()
        call_command("secrets", stdout=out)
        assert "fallback       channel shop-old webhook secret" in out.getvalue()
        assert "fallback       parameter notifications.smtp_password" in out.getvalue()
        out = io.StringIO()
        call_command("secrets", "--rotate", stdout=out)
        assert "re-encrypted with the current key: 2" in out.getvalue()
    out = io.StringIO()
    call_command("secrets", stdout=out)  # without the old key: everything readable now
    assert "fallback" not in out.getvalue() and "current        channel shop-old webhook secret" in out.getvalue()
    assert Channel.objects.get(pk=stale_channel.pk).secret == "wh"
    params.invalidate()
    assert crypto.decrypt(params.get("notifications.smtp_password")) == "mail-pw"


@pytest.mark.django_db
def test_settings_form_says_a_secret_parameter_cannot_be_decrypted() -> None:
    from oms.system import params
    from oms.system.forms import ParameterForm, field_name

    with override_settings(SECRET_KEY=OLD):
        params.set_value("notifications.smtp_password", "mail-pw")
    params.invalidate()
    form = ParameterForm(group="notifications")
    assert "cannot be decrypted" in str(form.fields[field_name("notifications.smtp_password")].help_text)
    params.invalidate()
