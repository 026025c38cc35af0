"""The settings console in a real browser: a bad parameter value, a good one, history and restore,
and a user limited to one warehouse."""

import pytest

from oms.system import params
from oms.system.models import ParameterRevision
from oms.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_parameters_history_restore_and_scoped_user(page, make_user, artifacts_dir):
    from django.contrib.auth import get_user_model

    from oms.accounts.models import UserProfile
    from oms.inventory.models import Warehouse

    admin = make_user("administrator", username="chief")
    Warehouse.objects.create(code="hz", name="Hangzhou", province="Zhejiang")
    Warehouse.objects.create(code="sz", name="Shenzhen", province="Guangdong")

    page.goto("/accounts/login/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/")

    page.goto("/system/parameters/?group=security")
    field = page.locator("#id_security__lockout_failures")
    field.fill("0")
    page.click("[data-testid=save-params]")
    block = page.locator("[data-param=security__lockout_failures]")
    assert "Must be at least 1." in block.locator("[data-testid=field-error]").inner_text()
    page.screenshot(path=str(artifacts_dir / "system-parameter-error.png"), full_page=True)
    assert not ParameterRevision.objects.exists()

    page.locator("#id_security__lockout_failures").fill("7")
    page.click("[data-testid=save-params]")
    page.wait_for_selector(".alert-success")
    page.locator("#id_security__lockout_failures").fill("9")
    page.click("[data-testid=save-params]")
    page.wait_for_selector(".alert-success")
    params.invalidate()
    assert params.get("security.lockout_failures") == 9
    first, second = ParameterRevision.objects.order_by("pk")

    page.click("[data-testid=history-link]")
    row = page.locator(f"[data-revision='{first.pk}']")
    assert "Failed sign-ins before lockout" in row.inner_text() and "7" in row.inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"[data-testid=restore-{first.pk}]")
    page.wait_for_selector(".alert-success")
    page.screenshot(path=str(artifacts_dir / "system-parameter-history.png"), full_page=True)
    params.invalidate()
    assert params.get("security.lockout_failures") == 7
    assert ParameterRevision.objects.latest("pk").restored_from_id == first.pk

    page.goto("/system/users/new/")
    page.fill("#id_username", "hz.keeper")
    page.fill("#id_first_name", "Wei")
    page.fill("#id_password", "Keeper-Start-2026")
    page.get_by_label("Viewer", exact=True).check()
    page.get_by_label("Hangzhou (hz)", exact=True).check()
    page.click("[data-testid=save-user]")
    page.wait_for_selector(".alert-success")
    page.goto("/system/users/?scope=limited")
    assert page.locator("[data-user='hz.keeper']").is_visible()
    page.screenshot(path=str(artifacts_dir / "system-users.png"), full_page=True)
    user = get_user_model().objects.get(username="hz.keeper")
    profile = UserProfile.objects.get(user=user)
    assert list(profile.warehouses.values_list("code", flat=True)) == ["hz"]
    assert profile.must_change_password


def test_backup_now_and_role_matrix(page, make_user, artifacts_dir, tmp_path):
    from oms.core.actor import Actor
    from oms.system.actions import save_parameters
    from oms.system.models import BackupRun

    admin = make_user("administrator", username="chief2")
    save_parameters(values={"backup.directory": str(tmp_path)}, actor=Actor.system())
    page.goto("/accounts/login/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/")

    page.goto("/system/backups/")
    page.click("[data-testid=backup-now]")
    page.wait_for_selector("[data-testid=backup-runs] [data-status=done]")
    run = BackupRun.objects.get()
    assert page.locator(f"[data-archive='{run.archive}']").is_visible()
    page.screenshot(path=str(artifacts_dir / "system-backups.png"), full_page=True)

    page.goto("/system/roles/")
    page.fill("#id_name", "Night shift")
    page.select_option("#id_copy_from", label="Viewer")
    page.locator("[data-testid=new-role] button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    header = page.locator("th[data-role='Night shift']")
    assert "custom" in header.inner_text()
    page.screenshot(path=str(artifacts_dir / "system-roles.png"))
