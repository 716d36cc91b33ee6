"""limit and offset are read as the schema declares them (core.api.StrictLimitOffset): a bad
value is a 400 naming the parameter, never silently the first page (issue 15 §11)."""

import pytest

LIST = "/api/v1/accounts/regions/"
REPORT = "/api/v1/reports/sales/"


@pytest.mark.parametrize("url", [LIST, REPORT])
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("limit", "abc"),
        ("limit", "0"),
        ("limit", "-1"),
        ("limit", "1.5"),
        ("limit", "１"),
        ("limit", "9" * 40),
        ("offset", "null"),
        ("offset", "-1"),
        ("offset", " 1"),
    ],
)
def test_a_bad_limit_or_offset_is_refused(api, admin_user, url, name, value):
    api.force_authenticate(admin_user)
    response = api.get(url, {name: value})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["extra"]["fields"]) == [name]


def test_limit_and_offset_page_a_list(api, admin_user, region_north, region_east):
    api.force_authenticate(admin_user)
    everything = api.get(LIST).json()
    assert everything["count"] == 2 and len(everything["results"]) == 2
    page = api.get(LIST, {"limit": "1", "offset": "1"}).json()
    assert page["results"] == everything["results"][1:]
    # Empty is "not given"; a limit above the largest page is cut to it.
    assert api.get(LIST, {"limit": "", "offset": ""}).json() == everything
    assert len(api.get(LIST, {"limit": "100000"}).json()["results"]) == 2
