from datetime import date

import pytest

from backoffice.accounts.services import user_create
from backoffice.reports.models import ReportPack
from backoffice.reports.services import report_pack_build
from backoffice.sales.models import HistoryImport
from bench.dataset import Size, generate
from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_imports_history_and_a_manager_reads_and_signs_it_off(
    live_server, page, admin_user, screenshot, tmp_path
):
    generate(tmp_path / "files", Size(orders=60, customers=8, products=6, reps=6), seed=5)
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/sales/historyimport/")
    page.get_by_role("link", name="Import history").click()
    page.get_by_test_id("history-files").set_input_files(
        sorted(str(p) for p in (tmp_path / "files").glob("*.csv"))
    )
    page.get_by_role("button", name="Import").click()
    counts = page.get_by_test_id("history-counts")
    counts.wait_for()
    assert "Order lines" in counts.inner_text()
    assert HistoryImport.objects.get().status == "succeeded"
    screenshot("history-imported")

    manager = user_create(
        username="smgr", role="sales_manager", password=PASSWORD, validate_password_strength=False
    )
    pack = report_pack_build(kind="monthly", start=date(2025, 6, 1))
    page.context.clear_cookies()
    sign_in(page, live_server, manager.username)
    assert page.get_by_test_id("kpi-tiles").is_visible()
    page.get_by_test_id("trend-chart").wait_for()
    page.goto(f"{live_server.url}/reports/reportpack/")
    page.get_by_role("link", name=str(pack)).first.click()
    form = page.get_by_test_id("step-sign_off")
    form.locator("input[name=note]").fill("已核对")
    form.get_by_role("button", name="Sign off").click()
    page.get_by_test_id("pack-signed").wait_for()
    assert ReportPack.objects.get(pk=pack.pk).signed_off_by == manager
    screenshot("pack-signed-off")
