import pytest

from backoffice.accounts.models import Region
from backoffice.core.services import model_save


@pytest.mark.django_db
def test_the_trail_filters_by_record_type(api, admin_user, clerk):
    region = model_save(instance=Region(code="west", name="西部"), by=clerk)
    api.force_authenticate(admin_user)
    response = api.get("/api/v1/audit/events/", {"model": "accounts.region"})
    assert [row["object_id"] for row in response.json()["results"]] == [str(region.pk)]


@pytest.mark.django_db
def test_an_unknown_record_type_is_refused_not_an_empty_trail(api, clerk):
    api.force_authenticate(clerk)
    response = api.get("/api/v1/audit/events/", {"model": "accounts.planet"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["extra"]["fields"]) == ["model"]
