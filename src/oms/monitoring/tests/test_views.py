"""The alerts list and its buttons: filters, data scopes, the kinds of the modules a role opens, and
refusals. The permission matrix (web/tests) covers every role x URL."""

import pytest

from oms.monitoring import actions
from oms.monitoring.kinds import AlertKind
from oms.monitoring.models import Alert
from oms.monitoring.subjects import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    from oms.inventory.tests import factories as f

    return {"ch1": f.channel("ch1"), "ch2": f.channel("ch2"), "w1": f.warehouse("w1"), "w2": f.warehouse("w2")}


@pytest.fixture
def alerts(places):
    intake = AlertKind.INTAKE_PROBLEMS
    low = {"sku": "SKU-9", "warehouse": "w", "available": 1, "threshold": 5, "lowest": 1}
    return {
        "o1": actions.raise_alert(intake, Subject.named("o:1"), params={"number": "SO-1"}, channel_id=places["ch1"].pk),
        "o2": actions.raise_alert(intake, Subject.named("o:2"), params={"number": "SO-2"}, channel_id=places["ch2"].pk),
        "w1": actions.raise_alert(
            AlertKind.LOW_STOCK, Subject.named("p:1@w1"), params={**low, "sku": "LOW-W1"}, warehouse_id=places["w1"].pk
        ),
        "w2": actions.raise_alert(
            AlertKind.LOW_STOCK, Subject.named("p:1@w2"), params={**low, "sku": "LOW-W2"}, warehouse_id=places["w2"].pk
        ),
    }


def _login(client, user):
    client.force_login(user)


def _shown(client, **query):
    response = client.get("/monitoring/alerts/", query)
    assert response.status_code == 200
    html = response.content.decode()
    return {code for code in ("SO-1", "SO-2", "LOW-W1", "LOW-W2") if code in html}


def test_list_filters_by_kind_state_and_severity(client, make_user, alerts):
    _login(client, make_user("order_clerk"))  # opens orders and inventory: sees both kinds
    assert _shown(client) == {"SO-1", "SO-2", "LOW-W1", "LOW-W2"}
    assert _shown(client, kind="low_stock") == {"LOW-W1", "LOW-W2"}
    assert _shown(client, severity="critical") == set()
    actions.clear(AlertKind.LOW_STOCK, Subject.named("p:1@w2"))
    assert _shown(client, kind="low_stock") == {"LOW-W1"}  # active by default
    assert _shown(client, kind="low_stock", state="resolved") == {"LOW-W2"}
    assert _shown(client, state="all", kind="nonsense", severity="nonsense") == {"SO-1", "SO-2", "LOW-W1", "LOW-W2"}


def test_roles_see_the_kinds_of_their_modules_and_scoped_users_their_channels_and_warehouses(
    client, make_user, alerts, places
):
    _login(client, make_user("warehouse"))  # no orders module: no intake alerts
    assert _shown(client) == {"LOW-W1", "LOW-W2"}
    scoped = make_user("order_clerk")
    scoped.profile.channels.add(places["ch1"])
    scoped.profile.warehouses.add(places["w2"])
    _login(client, scoped)
    assert _shown(client) == {"SO-1", "LOW-W2"}
    assert client.get(f"/monitoring/alerts/{alerts['o2'].pk}/").status_code == 404  # out of scope: not revealed
    response = client.post(f"/monitoring/alerts/{alerts['o2'].pk}/resolve/")
    assert response.status_code == 404 and Alert.objects.get(pk=alerts["o2"].pk).state == "open"


def test_acknowledge_and_resolve_buttons_call_the_actions(client, make_user, alerts):
    clerk = make_user("order_clerk")
    _login(client, clerk)
    alert = alerts["o1"]
    html = client.get("/monitoring/alerts/").content.decode()
    assert f'action="/monitoring/alerts/{alert.pk}/acknowledge/"' in html
    response = client.post(f"/monitoring/alerts/{alert.pk}/acknowledge/", {"next": "/monitoring/alerts/?kind=x"})
    assert response.status_code == 302 and response["Location"] == "/monitoring/alerts/?kind=x"
    assert Alert.objects.get(pk=alert.pk).state == "acknowledged"
    response = client.post(
        f"/monitoring/alerts/{alert.pk}/resolve/", {"note": "fixed", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/monitoring/alerts/"  # no open redirect
    alert.refresh_from_db()
    assert (alert.state, alert.resolution_note, alert.resolved_by) == ("resolved", "fixed", clerk.username)
    page = client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    assert 'data-testid="alert-events"' in page and "fixed" in page
    response = client.post(f"/monitoring/alerts/{alert.pk}/resolve/")  # already resolved: refused, said why
    assert response.status_code == 302 and Alert.objects.get(pk=alert.pk).events.count() == 3


def test_viewer_sees_alerts_without_buttons_and_is_refused_the_actions(client, make_user, alerts):
    _login(client, make_user("viewer"))
    html = client.get("/monitoring/alerts/").content.decode()
    assert "SO-1" in html and 'data-testid="acknowledge"' not in html
    assert client.post(f"/monitoring/alerts/{alerts['o1'].pk}/acknowledge/").status_code == 403
    assert client.post(f"/monitoring/alerts/{alerts['o1'].pk}/explode/").status_code in (403, 404)
    assert Alert.objects.get(pk=alerts["o1"].pk).state == "open"


def test_dashboard_tile_counts_open_alerts_in_scope(make_user, alerts, places):
    from oms.monitoring.console import dashboard_panels

    user = make_user("warehouse")
    user.profile.warehouses.add(places["w1"])
    (tile,) = dashboard_panels(user)
    assert tile["value"] == 1 and tile["url"] == "/monitoring/alerts/"
