import pytest
from django.test import Client
from django.utils import timezone

from oms.accounts.models import LoginRecord
from oms.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def test_administrator_sees_sign_in_tiles_and_chart(admin_client, make_user):
    make_user("viewer", username="v1")
    other = Client()
    other.post("/accounts/login/", {"username": "v1", "password": "wrong"})
    other.post("/accounts/login/", {"username": "ghost", "password": "wrong"})
    other.post("/accounts/login/", {"username": "v1", "password": PASSWORD})
    results = sorted(LoginRecord.objects.values_list("username", "result"))
    assert results == [("boss", "success"), ("ghost", "failure"), ("v1", "failure"), ("v1", "success")]
    assert LoginRecord.objects.get(username="ghost").user is None

    html = admin_client.get("/").content.decode()
    signed = html.split('data-panel="signed_in_today"', 1)[1].split("</a>", 1)[0]
    failed = html.split('data-panel="failed_today"', 1)[1].split("</a>", 1)[0]
    assert signed.rstrip().endswith(">2") and failed.rstrip().endswith(">2")
    assert 'data-testid="sign-in-chart"' in html and "<svg" in html
    today = timezone.localdate().strftime("%m-%d")
    assert f"Signed in {today}: 2</title>" in html and f"Failed {today}: 2</title>" in html


def test_other_roles_do_not_see_the_sign_in_tiles(client, make_user):
    client.force_login(make_user("order_clerk"))
    html = client.get("/").content.decode()
    assert 'data-panel="failed_today"' not in html and "sign-in-chart" not in html
    assert "Your modules" in html


def test_login_log_filters_paginates_and_exports(admin_client, make_user):
    import io

    from openpyxl import load_workbook

    user = make_user("viewer", username="zhang")
    LoginRecord.objects.bulk_create(
        [LoginRecord(username="zhang", user=user, result="success", ip="10.0.0.1", user_agent="UA") for _ in range(60)]
        + [LoginRecord(username="li", result="failure", ip="10.0.0.2", user_agent="UA")]
    )
    page = admin_client.get("/accounts/sign-ins/?user=zhang")
    html = page.content.decode()
    assert "60 records" in html and "Page 1 of 2" in html and "10.0.0.2" not in html
    assert "10.0.0.1" in admin_client.get("/accounts/sign-ins/?user=zhang&page=2").content.decode()
    failed = admin_client.get("/accounts/sign-ins/?result=failed").content.decode()
    assert "li" in failed and "1 record" in failed

    csv = admin_client.get("/accounts/sign-ins/?ip=10.0.0.2&export=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.getvalue().decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and lines[1].split(",")[1] == "li"

    xlsx = admin_client.get("/accounts/sign-ins/?user=zhang&export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    assert sheet.max_row == 61 and sheet.cell(2, 2).value == "zhang"
