"""Alert actions on the real database: new state, the event row, idempotent raising, the constraint,
automatic clearing, and refusals that leave no trace."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from oms.core.actor import Actor
from oms.monitoring import actions, selectors
from oms.monitoring.actions import Raise
from oms.monitoring.kinds import AlertKind, AlertState
from oms.monitoring.models import Alert, AlertEvent
from oms.monitoring.subjects import Subject

pytestmark = pytest.mark.django_db

LOW = AlertKind.LOW_STOCK
PARAMS = {"sku": "A", "warehouse": "Main", "available": 2, "threshold": 5, "lowest": 2}


def test_raise_is_idempotent_while_active_and_records_one_event():
    subject = Subject.named("inventory.product:1@warehouse:1")
    first = actions.raise_alert(LOW, subject, params=PARAMS, warehouse_id=1)
    assert (first.state, first.severity, first.assignee_role) == ("open", "warning", "warehouse")
    again = actions.raise_alert(LOW, subject, params={"lowest": 1})
    assert again.pk == first.pk and again.last_seen_at >= first.last_seen_at
    assert Alert.objects.get().params == {**PARAMS, "lowest": 1}  # merged, not replaced
    assert list(AlertEvent.objects.values_list("type", "state_to")) == [("raised", "open")]
    other_cause = actions.raise_alert(LOW, subject, cause="other", params=PARAMS)
    assert other_cause.pk != first.pk and Alert.objects.count() == 2


def test_database_refuses_a_second_active_alert_for_one_kind_subject_and_cause():
    subject = Subject.named("x:1")
    alert = actions.raise_alert(LOW, subject, params=PARAMS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(kind=LOW, severity="warning", state="acknowledged", subject_key=subject.key)
    actions.clear(LOW, subject)
    # Resolved, it is history: a new active one may open beside it (also of another kind or cause).
    Alert.objects.create(kind=LOW, severity="warning", state="open", subject_key=subject.key)
    Alert.objects.create(kind=AlertKind.STOCK_SHORTAGE, severity="critical", state="open", subject_key=subject.key)
    assert Alert.objects.filter(subject_key=subject.key).count() == 3
    assert Alert.objects.get(pk=alert.pk).state == "resolved"


def test_raise_many_inserts_new_and_updates_active_ones_in_one_go(django_assert_max_num_queries):
    kept = actions.raise_alert(AlertKind.INTAKE_PROBLEMS, Subject.named("o:1"), params={"number": "SO1"})
    items = [Raise(Subject.named(f"o:{i}"), {"number": f"SO{i}"}, channel_id=7) for i in range(1, 6)]
    with django_assert_max_num_queries(5):
        out = actions.raise_many(AlertKind.INTAKE_PROBLEMS, items)
    assert [a.subject_key for a in out] == [f"o:{i}" for i in range(1, 6)] and out[0].pk == kept.pk
    assert Alert.objects.count() == 5 and AlertEvent.objects.filter(type="raised").count() == 5
    assert set(Alert.objects.exclude(pk=kept.pk).values_list("channel_id", flat=True)) == {7}


def test_clear_and_clear_missing_resolve_what_no_longer_holds():
    order = Subject.row("auth.user", 1)  # any row: the content type is recorded beside the key
    for p in (1, 2, 3):
        actions.raise_alert(AlertKind.STOCK_SHORTAGE, order, cause=f"product:{p}", params={"quantity": p})
    assert Alert.objects.filter(subject_type__model="user", subject_id=1).count() == 3
    still = [(order, "product:2")]
    assert actions.clear_missing(AlertKind.STOCK_SHORTAGE, still, subjects=[order]) == 2
    assert list(selectors.active(AlertKind.STOCK_SHORTAGE).values_list("cause", flat=True)) == ["product:2"]
    assert actions.clear(AlertKind.STOCK_SHORTAGE, order) == 1
    assert actions.clear(AlertKind.STOCK_SHORTAGE, order) == 0  # nothing left: nothing written
    assert not selectors.active(AlertKind.STOCK_SHORTAGE).exists()
    cleared = AlertEvent.objects.filter(type="cleared")
    assert cleared.count() == 3 and set(cleared.values_list("state_to", flat=True)) == {"resolved"}
    assert set(Alert.objects.values_list("resolved_by", flat=True)) == {"monitoring"}


def test_people_acknowledge_assign_and_resolve_with_their_permissions(make_user):
    clerk, viewer = make_user("order_clerk"), make_user("viewer")
    alert = actions.raise_alert(AlertKind.INTAKE_PROBLEMS, Subject.named("o:9"), params={"number": "SO9"})
    with pytest.raises(PermissionDenied):
        actions.acknowledge(alert_id=alert.pk, actor=Actor.for_user(viewer))
    assert Alert.objects.get(pk=alert.pk).state == "open" and AlertEvent.objects.count() == 1  # no trace
    me = Actor.for_user(clerk)
    alert = actions.acknowledge(alert_id=alert.pk, actor=me, note="on it")
    assert (alert.state, alert.acknowledged_by) == ("acknowledged", clerk.username)
    with pytest.raises(actions.workflow.TransitionNotAllowed):
        actions.acknowledge(alert_id=alert.pk, actor=me)
    with pytest.raises(ValidationError):
        actions.assign(alert_id=alert.pk, actor=me, role="no-such-role")
    alert = actions.assign(alert_id=alert.pk, actor=me, role="warehouse", assignee_id=clerk.pk)
    assert (alert.assignee_role, alert.assignee_user_id, alert.state) == ("warehouse", clerk.pk, "acknowledged")
    # Raised again while acknowledged: still the same alert, still acknowledged.
    assert actions.raise_alert(AlertKind.INTAKE_PROBLEMS, Subject.named("o:9")).pk == alert.pk
    alert = actions.resolve(alert_id=alert.pk, actor=me, note="customer called back")
    assert alert.state == AlertState.RESOLVED and alert.resolution_note == "customer called back"
    events = list(alert.events.values_list("type", "state_from", "state_to", "actor_name", "note"))
    assert events == [
        ("raised", "", "open", "monitoring", ""),
        ("acknowledged", "open", "acknowledged", clerk.username, "on it"),
        ("assigned", "acknowledged", "acknowledged", clerk.username, ""),
        ("resolved", "acknowledged", "resolved", clerk.username, "customer called back"),
    ]
    with pytest.raises(actions.workflow.TransitionNotAllowed):
        actions.resolve(alert_id=alert.pk, actor=me)


def test_events_are_append_only():
    actions.raise_alert(LOW, Subject.named("x:2"), params=PARAMS)
    event = AlertEvent.objects.get()
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
