"""Webhook endpoints: POST /webhooks/<platform>/<code>/ for every platform with an adapter that verifies
webhooks (oms.channels.registry).

Answers (JSON, the API's error format):
  200 stored (or a recognised retry, or a topic we do not use, or the platform's set-up ping)
  400 body not JSON as RFC 8259 says (UTF-8, no byte order mark), not an order, or missing topic
  401 bad signature (nothing stored) · 404 unknown channel or platform
  410 channel switched off (the platform should stop sending) · 413 body over the size limit
  503 the channel's stored secret cannot be decrypted (the key changed; logged as an error): the
      platform retries later, and nothing is refused as a "bad signature" that was signed correctly
The body is stored raw, after the signature is verified and its shape checked, and processed in the
background; nothing that could never be processed is stored.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from oms.channels import inbox, registry, tasks
from oms.channels.models import Channel, DeliveryKind
from oms.channels.payloads import BodyError, order_body
from oms.core.api import error_body
from oms.core.crypto import SecretUndecryptable
from oms.core.permissions import PUBLIC, declare_access
from oms.system import params


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


def _limit() -> int:
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


@declare_access(PUBLIC)  # platforms authenticate by signing the body
@csrf_exempt
@require_POST
def receive(request: HttpRequest, platform: str, code: str) -> JsonResponse:
    adapter = registry.get(platform)
    channel = Channel.objects.filter(code=code, platform=platform).first() if adapter else None
    if adapter is None or channel is None:
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
    if adapter.is_ping(request.headers, body):
        return JsonResponse({"ping": True})
    try:
        secret = channel.secret
    except SecretUndecryptable:
        return _error(
            503,
            "secret_undecryptable",
            _("This channel's stored secret cannot be decrypted (the server's key changed); try again later."),
        )
    if not adapter.verify(request.headers, body, secret):
        return _error(401, "bad_signature", _("The signature does not match the body and the channel's secret."))
    topic = adapter.topic(request.headers)
    if not topic:
        return _error(400, "missing_topic", _("The topic header is missing."))
    if topic not in adapter.topics:
        return JsonResponse({"ignored": topic})
    try:
        order_body(body)
    except BodyError as exc:
        return _error(400, exc.code, exc.message)
    stored = inbox.store(
        channel=channel,
        kind=DeliveryKind.WEBHOOK,
        key=adapter.dedupe_key(request.headers, body, topic),
        body=body,
        topic=topic,
        headers=inbox.sanitise_headers(request.headers),
    )
    if stored.created:
        delivery_id = stored.delivery.pk
        transaction.on_commit(lambda: tasks.process_delivery_task(delivery_id))
    return JsonResponse({"delivery": stored.delivery.pk, "duplicate": not stored.created})
