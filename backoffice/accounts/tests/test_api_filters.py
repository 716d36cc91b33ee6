"""The organisation lists' query parameters: a good value filters, a bad one is a 400
naming the parameter."""

import pytest

from backoffice.accounts.models import Department, Region
from backoffice.core.services import model_save


def _codes(response, key: str = "code") -> list[str]:
    assert response.status_code == 200, response.json()
    return [row[key] for row in response.json()["results"]]


def _refused(response, field: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["extra"]["fields"]) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "url"), [(Region, "regions"), (Department, "departments")])
def test_code_lists_filter_by_code_and_a_strict_is_active(api, clerk, model, url):
    model_save(instance=model(code="old", name="旧", is_active=False), by=clerk)
    model_save(instance=model(code="new", name="新"), by=clerk)
    api.force_authenticate(clerk)
    path = f"/api/v1/accounts/{url}/"
    assert _codes(api.get(path, {"is_active": "false"})) == ["old"]
    assert "old" not in _codes(api.get(path, {"is_active": "true"}))
    assert _codes(api.get(path, {"code": "new"})) == ["new"]
    _refused(api.get(path, {"is_active": "maybe"}), "is_active")


@pytest.mark.django_db
def test_users_filter_by_role_and_region_and_refuse_unknown_ones(api, clerk, rep_wang, rep_li):
    api.force_authenticate(clerk)
    url = "/api/v1/accounts/users/"
    assert _codes(api.get(url, {"role": "rep", "region": "east"}), "username") == ["rep_li"]
    assert _codes(api.get(url, {"role": "clerk"}), "username") == ["clerk"]
    _refused(api.get(url, {"role": "pilot"}), "role")
    _refused(api.get(url, {"region": "west"}), "region")
