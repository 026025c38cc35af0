import csv
import io

import pytest
from openpyxl import load_workbook

from oms.core.actor import Actor
from oms.system import oplog
from oms.system.models import OperationLog
from oms.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def test_administrator_sign_in_is_logged_but_not_other_users(client, make_user):
    admin = make_user("administrator")
    clerk = make_user("order_clerk")
    client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD})
    assert not OperationLog.objects.filter(action="sign_in").exists()
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": admin.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    entry = OperationLog.objects.get(action="sign_in")
    assert entry.actor_name == admin.username and entry.ip == "10.1.2.3"


def test_filters_and_exports(admin_client):
    oplog.record(actor=Actor(kind="user", name="alice", ip="10.0.0.1"), action="user.create", target="bob")
    oplog.record(actor=Actor(kind="user", name="carol"), action="backup.create", target="oms-backup-x.tar.gz")
    oplog.record(actor=Actor.system("scheduler"), action="backup.failed", details={"error": "disk full"})

    def shown(query):
        html = admin_client.get(f"/system/log/?{query}").content.decode()
        return {name for name in ("alice", "carol", "scheduler") if f"<td>{name}</td>" in html}

    assert shown("") >= {"alice", "carol", "scheduler"}
    assert shown("actor=ali") == {"alice"}
    assert shown("action=backup") == {"carol", "scheduler"}
    assert shown("q=disk+full") == {"scheduler"}
    assert shown("date_from=2000-01-01&date_to=2000-01-02") == set()

    csv_response = admin_client.get("/system/log/?action=backup&export=csv")
    rows = list(csv.reader(io.StringIO(csv_response.getvalue().decode("utf-8-sig"))))
    assert rows[0][1] == "Actor" and sorted(r[1] for r in rows[1:]) == ["carol", "scheduler"]
    xlsx = admin_client.get("/system/log/?actor=alice&export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    values = list(sheet.values)
    assert len(values) == 2 and values[1][1] == "alice" and values[1][4] == "user.create"


def test_details_are_shown_as_json(admin_client):
    oplog.record(actor=Actor.system("scheduler"), action="backup.failed", details={"error": "disk full"})
    html = admin_client.get("/system/log/").content.decode()
    assert "{&quot;error&quot;: &quot;disk full&quot;}" in html
