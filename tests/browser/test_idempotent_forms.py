"""A double click on "save" makes one document (issue 15 §12): every POST form carries an
idempotency key from core/idempotency.js, and the second submission gets the first answer."""

import pytest
from playwright.sync_api import expect

from backoffice.core.models import IdempotencyKey
from backoffice.sales.models import SalesOrder
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pick(page, select_id, search, option):
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_a_double_click_on_save_adds_one_order(live_server, page, clerk, hospital, products):
    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/sales/salesorder/add/")
    key = page.locator("form#salesorder_form input[name=idempotency_key]")
    assert len(key.input_value()) >= 32  # a random key, put there when the page loaded
    _pick(page, "id_customer", hospital.name, hospital.name)
    _pick(page, "id_lines-0-product", products[0].name, products[0].name)
    page.fill("input[name=lines-0-quantity]", "3")
    page.locator("button[name=_save]").dblclick()
    # the second submission may abort the first one's navigation: wait for where the page
    # ends, not for one navigation
    expect(page).to_have_url(f"{live_server.url}/sales/salesorder/", timeout=30_000)
    page.wait_for_load_state()
    assert SalesOrder.objects.count() == 1
    assert IdempotencyKey.objects.filter(user=clerk).count() == 1


def test_each_page_load_has_its_own_key(live_server, page, clerk):
    sign_in(page, live_server, "clerk")
    keys = set()
    for _ in range(2):
        page.goto(f"{live_server.url}/sales/salesorder/add/")
        keys.add(page.locator("form#salesorder_form input[name=idempotency_key]").input_value())
    assert len(keys) == 2


def test_a_save_over_a_newer_version_shows_what_changed_in_chinese(
    live_server, zh_page, admin_user, clerk, region_north
):
    """Two people edit one region: the second to save sees, in Chinese, what the first
    changed, keeps her input, and saves it on purpose the second time."""
    from backoffice.core.services import model_save

    page = zh_page
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/accounts/region/{region_north.pk}/change/")
    region_north.name = "华北一区"
    model_save(instance=region_north, by=clerk)  # saved meanwhile by someone else
    page.fill("input[name=name]", "北方区")
    page.locator("button[name=_save]").click()
    note = page.locator(".errornote", has_text="他人在您打开此记录后保存了它")
    note.wait_for()
    assert "名称：您输入的是“北方区”，现在是“华北一区”，由 陈静 于" in note.inner_text()
    assert page.input_value("input[name=name]") == "北方区"
    region_north.refresh_from_db()
    assert region_north.name == "华北一区"
    page.locator("button[name=_save]").click()
    page.wait_for_url(f"{live_server.url}/accounts/region/")
    region_north.refresh_from_db()
    assert region_north.name == "北方区"
