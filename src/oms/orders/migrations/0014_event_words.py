"""Order events written before the declared event types kept sentences the system made up in `reason`
(in whatever language the worker ran). Move what can be recovered into the payload (the message's
parameters) and leave in `reason` only what a person typed. Rows of unknown types stay as they are;
they are shown as "Other event"."""

from django.db import migrations
from django.utils import translation

# Types whose reason was always the system's own sentence (the payload holds its parameters).
SYSTEM_SENTENCES = ["auto_review", "auto_review_off", "awaiting_stock", "split", "split_from", "stock_reserved"]
# "Routing overridden: <typed reason>" as it was written in each language.
OVERRIDE_PREFIXES = ["Routing overridden: ", "人工改仓：", "人工改倉："]
LANGUAGES = ["en", "zh-hans", "zh-hant"]


def _labels(choices, code):
    out = []
    for lang in LANGUAGES:
        with translation.override(lang):
            out.append(str(choices(code).label))
    return out


def forwards(apps, schema_editor):
    from oms.orders.review.models import RejectReason

    Event = apps.get_model("orders", "OrderEvent")
    Hold = apps.get_model("orders", "OrderHold")
    changed = []

    def keep(e):
        changed.append(e)
        if len(changed) >= 500:
            Event.objects.bulk_update(changed, ["reason", "payload"])
            changed.clear()

    for e in Event.objects.filter(type__in=SYSTEM_SENTENCES).exclude(reason="").iterator(2000):
        e.reason = ""
        keep(e)
    for e in Event.objects.filter(type__in=["approved", "held", "rejected"], actor_kind="system").iterator(2000):
        held_reason = e.reason
        if e.type == "held" and held_reason:
            Hold.objects.filter(order_id=e.order_id, reason=held_reason).update(reason="")
        e.reason = ""
        e.payload = {**(e.payload or {}), "automatic": True}
        keep(e)
    for e in Event.objects.filter(type="rejected").exclude(actor_kind="system").exclude(reason="").iterator(2000):
        code = (e.payload or {}).get("code")
        if code not in RejectReason.values:
            continue
        for label in _labels(RejectReason, code):
            if e.reason == label:
                e.reason = ""
            elif e.reason.startswith(f"{label}: "):
                e.reason = e.reason[len(label) + 2 :]
            else:
                continue
            keep(e)
            break
    for e in Event.objects.filter(type="stock_released").exclude(reason="").iterator(2000):
        for prefix in OVERRIDE_PREFIXES:
            if e.reason.startswith(prefix):
                e.reason = e.reason[len(prefix) :]
                keep(e)
                break
    for e in Event.objects.filter(type="cancelled", reason="cancelled on platform").iterator(2000):
        e.reason = ""
        e.payload = {**(e.payload or {}), "on_platform": True}
        keep(e)
    for e in Event.objects.filter(type="platform_cancel_refused").exclude(reason="").iterator(2000):
        e.reason = ""
        keep(e)
    for e in Event.objects.filter(type="auto_confirm_refused").exclude(reason="").iterator(2000):
        e.payload = {**(e.payload or {}), "detail": e.reason}
        e.reason = ""
        keep(e)
    if changed:
        Event.objects.bulk_update(changed, ["reason", "payload"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0013_alerts_moved_to_monitoring")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
