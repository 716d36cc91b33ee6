"""A bad query parameter on a report (issue 14 §2): the API answers 400 naming it; a page
comes back with status 400, its form holding the error beside the field's name, in the
reader's language, and no figures — never a 500, a Python dict or a silent default."""

import re
from datetime import date

import pytest
from django.utils import timezone

from backoffice.contracts.models import Contract

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
BAD_DATES = ("abc", "2026-02-30", "2026/01/01", "01-01-2026")

# page → {parameter: a bad value}; each is tried alone, then all together
PAGES = {
    "/reports/sales/": {
        "date_from": "abc",
        "date_to": "2026-13-01",
        "period": "fortnight",
        "basis": "shipped",
        "group_by": "planet",
    },
    "/reports/billing/": {"date_from": "abc", "date_to": "2026-02-30", "group_by": "planet"},
    "/reports/contracts/": {
        "date_from": "abc",
        "date_to": "yesterday",
        "period": "week",
        "kind": "planet",
    },
    "/reports/ledger/": {"date_from": "abc", "date_to": "2026/01/01"},
    "/reports/aging/": {"as_of": "abc"},
}
TITLES = {
    "date_from": "开始日期",
    "date_to": "结束日期",
    "as_of": "截至",
    "period": "期间",
    "basis": "口径",
    "group_by": "分组",
    "kind": "合同类型",
}
APIS = {
    "/api/v1/reports/sales/": PAGES["/reports/sales/"],
    "/api/v1/reports/billing/": PAGES["/reports/billing/"],
    "/api/v1/reports/contracts/": PAGES["/reports/contracts/"],
}


def _refused_page(response, fields: list[str]) -> str:
    html = response.content.decode()
    assert response.status_code == 400, response.status_code
    errors = re.search(r'data-testid="report-errors".*?</div>', html, re.S)
    assert errors, "no error box"
    box = errors.group(0)
    for field in fields:
        assert TITLES[field] in box, (field, box)
    # No Python repr, no code-like English, no figures
    for raw in ("{&#x27;", "[&#x27;", "{'", "ErrorDetail", "choose from", "date_from"):
        assert raw not in box, raw
    assert "<tbody>" not in html
    return box


@pytest.fixture
def manager(admin_user):
    return admin_user  # sees every report


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_each_bad_parameter_of_each_report_page_is_shown_in_its_form(client, manager, url):
    client.force_login(manager)
    assert client.get(url, **ZH).status_code == 200
    for field, value in PAGES[url].items():
        for fmt in ("", "xlsx", "pdf"):
            response = client.get(url, {field: value, "format": fmt}, **ZH)
            _refused_page(response, [field])
            assert response["Content-Type"].startswith("text/html")  # not a file of nothing
    everything = client.get(url, PAGES[url], **ZH)
    box = _refused_page(everything, list(PAGES[url]))
    if "date_from" in PAGES[url]:
        assert "日期格式为 YYYY-MM-DD" in box
    if url != "/reports/aging/" and "date_to" in PAGES[url]:  # the form keeps what was typed
        assert f'value="{PAGES[url]["date_to"]}"' in everything.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/reports/sales/", "/reports/billing/", "/reports/contracts/"])
def test_a_range_that_ends_before_it_starts_is_refused(client, manager, url):
    client.force_login(manager)
    box = _refused_page(
        client.get(url, {"date_from": "2026-05-01", "date_to": "2026-04-01"}, **ZH), ["date_to"]
    )
    assert "不能早于开始日期" in box


@pytest.mark.django_db
def test_the_ledger_refuses_a_range_that_ends_before_it_starts(client, manager):
    client.force_login(manager)
    response = client.get("/reports/ledger/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.status_code == 400 and "must not be before" in response.content.decode()


@pytest.mark.django_db
def test_the_sales_page_names_a_grouping_too_many_and_one_not_offered(client, manager):
    client.force_login(manager)
    box = _refused_page(
        client.get("/reports/sales/", {"g": ["region", "rep", "product"]}, **ZH), ["group_by"]
    )
    assert "最多两个不同的分组" in box
    box = _refused_page(
        client.get("/reports/sales/", {"g": ["region", "planet"]}, **ZH), ["group_by"]
    )
    assert "不是可选的值" in box
    box = _refused_page(client.get("/reports/billing/", {"g": "planet"}, **ZH), ["group_by"])
    assert "不是可选的值" in box
    # What was left out shows as the report reads it: this year, by month
    html = client.get("/reports/sales/", {"basis": "shipped"}, **ZH).content.decode()
    today = timezone.localdate()
    assert f'name="date_from" value="{today.year}-01-01"' in html
    assert f'name="date_to" value="{today.isoformat()}"' in html
    assert '<option value="month" selected>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", APIS)
def test_each_bad_parameter_of_each_report_api_is_a_400_naming_it(api, manager, url):
    api.force_authenticate(manager)
    assert api.get(url).status_code == 200
    for field, value in APIS[url].items():
        response = api.get(url, {field: value})
        assert response.status_code == 400, (field, response.status_code)
        body = response.json()
        assert body["code"] == "invalid" and list(body["extra"]["fields"]) == [field]
    body = api.get(url, APIS[url]).json()
    assert set(body["extra"]["fields"]) == set(APIS[url])  # every bad value at once


@pytest.mark.django_db
def test_the_contract_and_pack_pages_never_fail_on_a_bad_parameter(
    client, manager, rep_wang, hospital
):
    from backoffice.contracts.services import contract_create

    contract = contract_create(
        by=rep_wang,
        counterparty=hospital,
        kind=Contract.Kind.values[0],
        title="年度供货合同",
        amount="1000.00",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    client.force_login(manager)
    base = f"/reports/contracts/{contract.pk}/performance/"
    for params in ({"format": "planet"}, {"format": ""}, {"print": "abc"}, {"page": "-1"}):
        assert client.get(base, params, **ZH).status_code == 200, params
    assert client.get("/reports/contracts/999999/performance/").status_code == 404
    for url in (
        "/reports/reportpack/?kind=planet",
        "/reports/reportpack/?signed_off_at__isnull=abc",
        "/reports/reportpack/?o=abc",
        "/reports/reportpack/abc/change/",
        "/reports/reportpack/abc/pdf/",
        "/reports/reportpack/999999/xlsx/",
    ):
        assert client.get(url, **ZH).status_code in (200, 302, 404), url
    # A NUL character is refused before any view runs: a 400, never a 500.
    assert client.get("/reports/packschedule/?q=%00", **ZH).status_code == 400
