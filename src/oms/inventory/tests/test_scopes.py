"""Data scope of transfer plans and routing overrides (inventory.scopes): a user limited to some
warehouses sees plans that touch them, decides only on plans wholly inside them, dispatches from and
receives into their own warehouses, and overrides the routing of an order only within them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from oms.accounts.models import UserProfile
from oms.inventory import actions
from oms.inventory.models import Reservation, StockThreshold, TransferLine, TransferPlan
from oms.inventory.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(make_user: Any) -> dict[str, Any]:
    p = f.product("SC-1")
    a, b, c = f.warehouse("SC-A"), f.warehouse("SC-B"), f.warehouse("SC-C")
    for w in (a, b, c):
        f.stock(p, w, 30)
    f.lane(a, b)
    f.lane(b, c)

    def user(*warehouses: Any) -> Any:
        u = make_user("administrator")
        UserProfile.objects.get(user=u).warehouses.set(warehouses)
        return u

    def plan(number: str, *legs: tuple[Any, Any]) -> TransferPlan:
        pl = TransferPlan.objects.create(number=number)
        for s, d in legs:
            TransferLine.objects.create(plan=pl, source=s, destination=d, product=p, quantity=2)
        return pl

    return {
        "p": p, "a": a, "b": b, "c": c,
        "user_a": user(a), "user_b": user(b), "user_ab": user(a, b), "boss": make_user("administrator"),
        "ab": plan("SC-AB", (a, b)), "bc": plan("SC-BC", (b, c)), "mix": plan("SC-MIX", (a, b), (b, c)),
    }  # fmt: skip


def _console(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def _status(plan: TransferPlan) -> str:
    plan.refresh_from_db()
    return plan.status


def test_lists_and_details_hold_the_plans_and_lines_that_touch_the_users_warehouses(site):
    numbers = {r["number"] for r in _api(site["user_a"]).get("/api/v1/inventory/transfers/").json()["results"]}
    assert numbers == {"SC-AB", "SC-MIX"}
    mix = _api(site["user_a"]).get(f"/api/v1/inventory/transfers/{site['mix'].pk}/").json()
    assert [(ln["source"], ln["destination"]) for ln in mix["lines"]] == [("SC-A", "SC-B")]
    page = _console(site["user_a"]).get(f"/inventory/transfers/{site['mix'].pk}/").content.decode()
    assert "SC-C" not in page and 'data-testid="hidden-lines"' in page
    assert _console(site["user_a"]).get(f"/inventory/transfers/{site['bc'].pk}/").status_code == 404
    assert _api(site["user_a"]).get(f"/api/v1/inventory/transfers/{site['bc'].pk}/").status_code == 404
    listing = _console(site["user_a"]).get("/inventory/transfers/").content.decode()
    assert "SC-MIX" in listing and "SC-BC" not in listing
    everything = {r["number"] for r in _api(site["boss"]).get("/api/v1/inventory/transfers/").json()["results"]}
    assert everything == {"SC-AB", "SC-BC", "SC-MIX"}


def test_deciding_needs_every_line_inside_the_users_warehouses(site):
    ab, mix = site["ab"], site["mix"]
    assert (
        _console(site["user_a"]).post(f"/inventory/transfers/{ab.pk}/", {"op": "approve_transfer"}).status_code == 403
    )
    assert _api(site["user_a"]).post(f"/api/v1/inventory/transfers/{ab.pk}/approve/").status_code == 403
    assert _status(ab) == "draft"
    assert _api(site["user_ab"]).post(f"/api/v1/inventory/transfers/{mix.pk}/approve/").status_code == 403
    assert _api(site["user_ab"]).post(f"/api/v1/inventory/transfers/{mix.pk}/cancel/").status_code == 403
    assert _status(mix) == "draft"
    response = _console(site["user_ab"]).post(f"/inventory/transfers/{ab.pk}/", {"op": "approve_transfer"})
    assert response.status_code == 302 and _status(ab) == "approved"


def test_dispatch_from_the_source_and_receive_into_the_destination(site):
    ab = site["ab"]
    actions.approve_transfer(ab.pk, f.SYSTEM)
    assert _api(site["user_b"]).post(f"/api/v1/inventory/transfers/{ab.pk}/dispatch/").status_code == 403
    assert _status(ab) == "approved"
    assert _api(site["user_a"]).post(f"/api/v1/inventory/transfers/{ab.pk}/dispatch/").status_code == 200
    assert _status(ab) == "dispatched"
    line = ab.lines.get()
    refused = _api(site["user_a"]).post(
        f"/api/v1/inventory/transfers/{ab.pk}/receive/", {"lines": {str(line.pk): 2}}, format="json"
    )
    assert refused.status_code == 403 and _status(ab) == "dispatched"
    page = _console(site["user_b"]).get(f"/inventory/transfers/{ab.pk}/").content.decode()
    assert f'name="rcv-{line.pk}"' in page and 'data-testid="dispatch"' not in page
    done = _console(site["user_b"]).post(f"/inventory/transfers/{ab.pk}/", {"op": "receive", f"rcv-{line.pk}": "2"})
    assert done.status_code == 302 and _status(ab) == "done"


def test_line_edit_endpoint_and_add_line_form_are_scoped(site):
    mix_ab, mix_bc = site["mix"].lines.order_by("pk")
    api = _api(site["user_a"])
    assert (
        api.patch(f"/api/v1/inventory/transfer-lines/{mix_bc.pk}/", {"quantity": 1}, format="json").status_code == 404
    )
    assert (
        api.patch(f"/api/v1/inventory/transfer-lines/{mix_ab.pk}/", {"quantity": 1}, format="json").status_code == 403
    )
    mix_bc.refresh_from_db()
    mix_ab.refresh_from_db()
    assert (mix_ab.quantity, mix_bc.quantity) == (2, 2)
    ok = _api(site["user_ab"]).patch(
        f"/api/v1/inventory/transfer-lines/{site['ab'].lines.get().pk}/", {"quantity": 1}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["quantity"] == 1
    page = _console(site["user_ab"]).get(f"/inventory/transfers/{site['ab'].pk}/").content.decode()
    assert "SC-A" in page and "SC-C" not in page  # the add-line form offers only the user's warehouses
    add = {"op": "add", "sku": "SC-1", "source": site["b"].pk, "destination": site["c"].pk, "quantity": 1}
    _console(site["user_ab"]).post(f"/inventory/transfers/{site['ab'].pk}/", add)
    assert not site["ab"].lines.filter(destination=site["c"]).exists()


def test_a_limited_user_proposes_only_between_their_warehouses(site):
    p, a, b, c = site["p"], site["a"], site["b"], site["c"]
    TransferPlan.objects.all().delete()
    f.lane(a, c)  # unlimited, A would supply both B and C
    for w, target in ((a, 0), (b, 40), (c, 40)):
        StockThreshold.objects.create(product=p, warehouse=w, minimum=target, target=target)
    response = _api(site["user_ab"]).post("/api/v1/inventory/transfers/propose/")
    assert response.status_code == 201
    legs = {(ln["source"], ln["destination"]) for ln in response.json()["lines"]}
    assert legs == {("SC-A", "SC-B")}
    plan = TransferPlan.objects.get(pk=response.json()["id"])
    assert set(plan.lines.values_list("destination__code", flat=True)) == {"SC-B"}
    assert _api(site["user_a"]).post("/api/v1/inventory/transfers/propose/").json()["plan"] is None
    TransferPlan.objects.all().delete()
    everything = _api(site["boss"]).post("/api/v1/inventory/transfers/propose/").json()
    assert {(ln["source"], ln["destination"]) for ln in everything["lines"]} == {("SC-A", "SC-B"), ("SC-A", "SC-C")}


def test_routing_override_stays_inside_the_users_warehouses(site):
    a, c = site["a"], site["c"]
    held_at_c = f.order([(site["p"], 1)])
    held_at_a = f.order([(site["p"], 1)])
    line_c, line_a = held_at_c.lines.get(), held_at_a.lines.get()
    actions.override_routing(held_at_c.pk, f.SYSTEM, {line_c.pk: c.pk}, "test")
    actions.override_routing(held_at_a.pk, f.SYSTEM, {line_a.pk: a.pk}, "test")
    console = _console(site["user_a"])

    page = console.get(f"/inventory/routing/{held_at_c.pk}/").content.decode()
    assert "SC-C" not in page and 'data-testid="held-elsewhere"' in page and "wh-" not in page
    moved = console.post(f"/inventory/routing/{held_at_c.pk}/", {f"wh-{line_c.pk}": a.pk, "reason": "mine"})
    assert moved.status_code == 404
    assert Reservation.objects.get(order=held_at_c, state="active").warehouse_id == c.pk

    page = console.get(f"/inventory/routing/{held_at_a.pk}/").content.decode()
    assert f'value="{a.pk}"' in page and f'value="{c.pk}"' not in page
    away = console.post(f"/inventory/routing/{held_at_a.pk}/", {f"wh-{line_a.pk}": c.pk, "reason": "elsewhere"})
    assert away.status_code == 404
    assert Reservation.objects.get(order=held_at_a, state="active").warehouse_id == a.pk
    stay = console.post(f"/inventory/routing/{held_at_a.pk}/", {f"wh-{line_a.pk}": a.pk, "reason": "again"})
    assert stay.status_code == 302
    assert Reservation.objects.filter(order=held_at_a, state="active").get().warehouse_id == a.pk
