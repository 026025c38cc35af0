"""Concurrent raises of one alert: real threads, each with its own connection, on whichever database
the run uses. On PostgreSQL the second insert waits for the first and hits the constraint, and the
action then returns the alert the first one opened; SQLite's IMMEDIATE transactions serialise them."""

import threading

import pytest
from django.db import connections, transaction

from oms.monitoring import actions
from oms.monitoring.kinds import AlertKind
from oms.monitoring.models import Alert, AlertEvent
from oms.monitoring.subjects import Subject

pytestmark = pytest.mark.django_db(transaction=True)


def test_racing_raises_open_one_alert():
    subject = Subject.named("o:1")
    first_inserted, results, errors = threading.Event(), [], []

    def slow_first() -> None:
        try:
            with transaction.atomic():
                results.append(actions.raise_alert(AlertKind.INTAKE_PROBLEMS, subject, params={"number": "A"}).pk)
                first_inserted.set()
                threading.Event().wait(0.5)  # hold the uncommitted row while the other raises
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            first_inserted.set()
            connections.close_all()

    def second() -> None:
        try:
            first_inserted.wait(10)
            results.append(actions.raise_alert(AlertKind.INTAKE_PROBLEMS, subject, params={"number": "B"}).pk)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow_first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and not any(t.is_alive() for t in threads)
    alert = Alert.objects.get()
    assert results == [alert.pk, alert.pk]
    assert alert.params == {"number": "B"}  # the second raise updated the one the first opened
    assert AlertEvent.objects.filter(alert=alert, type="raised").count() == 1


def test_many_threads_raising_many_subjects_never_duplicate():
    barrier, errors = threading.Barrier(4), []

    def client() -> None:
        try:
            barrier.wait()
            for i in range(10):
                actions.raise_alert(AlertKind.INTAKE_PROBLEMS, Subject.named(f"o:{i}"), params={"number": str(i)})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert Alert.objects.count() == 10 and AlertEvent.objects.count() == 10
