"""Webhook endpoints: POST /webhooks/shopify/<code>/ and /webhooks/woocommerce/<code>/.

Answers (JSON, the API's error format):
  200 stored (or a recognised retry, or a topic we do not use, or WooCommerce's creation ping)
  400 malformed body or missing topic · 401 bad signature (nothing stored) · 404 unknown channel
  410 channel switched off (the platform should stop sending) · 413 body over the size limit
  503 the channel's stored secret cannot be decrypted (the key changed; logged as an error): the
      platform retries later, and nothing is refused as a "bad signature" that was signed correctly
The body is stored raw, after the signature is verified, and processed in the background.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from oms.channels import inbox
from oms.channels.adapters import shopify, woocommerce
from oms.channels.models import Channel, DeliveryKind, Platform
from oms.core.api import error_body
from oms.core.crypto import SecretUndecryptable
from oms.core.permissions import PUBLIC, declare_access

PING = re.compile(rb"^webhook_id=\d+$")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


def _limit() -> int:
    from oms.system import params

    return int(params.get("channels.webhook_max_bytes"))


def _read_body(request: HttpRequest) -> bytes | None:
    limit = _limit()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None
    return None if len(body) > limit else body


def receive(request: HttpRequest, code: str, platform: str) -> JsonResponse:
    channel = Channel.objects.filter(code=code, platform=platform).first()
    if channel is None:
        return _error(
            404,
            "unknown_channel",
            _("No %(platform)s channel has the code “%(code)s”.") % {"platform": platform, "code": code},
        )
    if not channel.active:
        return _error(410, "channel_inactive", _("This channel is switched off; deliveries are not accepted."))
    body = _read_body(request)
    if body is None:
        return _error(
            413, "too_large", _("The body is larger than the limit of %(limit)s bytes.") % {"limit": _limit()}
        )
    adapter: Any = shopify if platform == Platform.SHOPIFY else woocommerce
    if platform == Platform.SHOPIFY:
        signature, topic = request.headers.get("X-Shopify-Hmac-Sha256"), request.headers.get("X-Shopify-Topic", "")
    else:
        signature, topic = request.headers.get("X-WC-Webhook-Signature"), request.headers.get("X-WC-Webhook-Topic", "")
        if not signature and PING.match(body.strip()):
            return JsonResponse({"ping": True})  # WooCommerce's unsigned check when a webhook is saved
    try:
        secret = channel.secret
    except SecretUndecryptable:
        return _error(
            503,
            "secret_undecryptable",
            _("This channel's stored secret cannot be decrypted (the server's key changed); try again later."),
        )
    if not adapter.verify(secret, body, signature):
        return _error(401, "bad_signature", _("The signature does not match the body and the channel's secret."))
    topic = topic.strip()
    if not topic:
        return _error(400, "missing_topic", _("The topic header is missing."))
    if topic not in adapter.TOPICS:
        return JsonResponse({"ignored": topic})
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return _error(400, "malformed_json", _("The body is not valid JSON: %(error)s") % {"error": str(exc)[:200]})
    if not isinstance(payload, dict) or "id" not in payload:
        return _error(400, "not_an_order", _("The body is not an order: it has no “id”."))
    key = adapter.dedupe_key(request.headers, body, topic)
    stored = inbox.store(
        channel=channel,
        kind=DeliveryKind.WEBHOOK,
        key=key,
        body=body,
        topic=topic,
        headers=inbox.sanitise_headers(request.headers),
    )
    return JsonResponse({"delivery": stored.delivery.pk, "duplicate": not stored.created})


@declare_access(PUBLIC)  # platforms authenticate by signing the body
@csrf_exempt
@require_POST
def shopify_webhook(request: HttpRequest, code: str) -> JsonResponse:
    return receive(request, code, Platform.SHOPIFY)


@declare_access(PUBLIC)
@csrf_exempt
@require_POST
def woocommerce_webhook(request: HttpRequest, code: str) -> JsonResponse:
    return receive(request, code, Platform.WOOCOMMERCE)
