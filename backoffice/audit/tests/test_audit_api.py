import pytest

from backoffice.accounts.models import Region
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from tests.testapp.models import Voucher


@pytest.fixture
def north_voucher(rep_wang, region_north):
    voucher = Voucher.objects.create(title="north", owner=rep_wang, region=region_north)
    transition(voucher, to="in_review", by=rep_wang)
    return voucher


@pytest.mark.django_db
def test_history_of_one_record(api, clerk):
    region = model_save(instance=Region(code="west", name="西部"), by=clerk)
    api.force_authenticate(clerk)
    response = api.get(
        "/api/v1/audit/events/", {"model": "accounts.region", "object_id": region.pk}
    )
    assert response.status_code == 200
    [event] = response.json()["results"]
    assert event["action"] == "create"
    assert event["actor_username"] == "clerk"
    assert event["changes"]["name"] == [None, "西部"]


@pytest.mark.django_db
def test_a_rep_without_the_permission_is_refused(api, rep_wang, north_voucher):
    api.force_authenticate(rep_wang)
    response = api.get(
        "/api/v1/audit/events/", {"model": "testapp.voucher", "object_id": north_voucher.pk}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
def test_history_of_a_record_the_user_cannot_see_is_not_found(api, clerk, north_voucher):
    # The clerk may read audit trails, but vouchers are visible only to their owner here.
    api.force_authenticate(clerk)
    response = api.get(
        "/api/v1/audit/events/", {"model": "testapp.voucher", "object_id": north_voucher.pk}
    )
    assert response.status_code == 404
    listing = api.get("/api/v1/audit/events/", {"model": "testapp.voucher"})
    assert listing.json()["results"] == []


@pytest.mark.django_db
def test_the_whole_trail_needs_its_own_permission(api, clerk, admin_user):
    api.force_authenticate(clerk)
    assert api.get("/api/v1/audit/events/").status_code == 400
    api.force_authenticate(admin_user)
    assert api.get("/api/v1/audit/events/").status_code == 200


@pytest.mark.django_db
def test_the_history_tab_shows_the_trail(client, clerk, admin_user):
    region = model_save(instance=Region(code="west", name="西部"), by=admin_user)
    region.name = "西部大区"
    model_save(instance=region, by=admin_user)
    client.force_login(admin_user)
    response = client.get(f"/accounts/region/{region.pk}/history/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="audit-history"' in body
    assert "西部大区" in body
    assert "管理员" in body
