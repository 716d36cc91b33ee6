"""A double click on "save" makes one document (issue 15 §12): every POST form carries an
idempotency key from core/idempotency.js, and the second submission gets the first answer."""

import pytest

from backoffice.core.models import IdempotencyKey
from backoffice.sales.models import SalesOrder
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_test_id("dashboard").wait_for()


def _pick(page, select_id, search, option):
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_a_double_click_on_save_adds_one_order(live_server, page, clerk, hospital, products):
    _login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/sales/salesorder/add/")
    key = page.locator("form#salesorder_form input[name=idempotency_key]")
    assert len(key.input_value()) >= 32  # a random key, put there when the page loaded
    _pick(page, "id_customer", hospital.name, hospital.name)
    _pick(page, "id_lines-0-product", products[0].name, products[0].name)
    page.fill("input[name=lines-0-quantity]", "3")
    page.locator("button[name=_save]").dblclick()
    page.wait_for_url(f"{live_server.url}/sales/salesorder/")
    page.wait_for_load_state()
    assert SalesOrder.objects.count() == 1
    assert IdempotencyKey.objects.filter(user=clerk).count() == 1


def test_each_page_load_has_its_own_key(live_server, page, clerk):
    _login(page, live_server, "clerk")
    keys = set()
    for _ in range(2):
        page.goto(f"{live_server.url}/sales/salesorder/add/")
        keys.add(page.locator("form#salesorder_form input[name=idempotency_key]").input_value())
    assert len(keys) == 2
