"""Lost updates (issue 15 §13): a detail carries its version as an ETag; a write with a
stale If-Match is refused with 412, never silently overwriting someone else's change."""

import pytest

from backoffice.catalog.services import product_save
from backoffice.core.exceptions import PreconditionFailed
from backoffice.core.versions import version_of
from backoffice.parties.services import customer_create, customer_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(rep_wang, region_north):
    return customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north)


def _url(customer):
    return f"/api/v1/parties/customers/{customer.pk}/"


def test_a_detail_carries_its_version_as_etag(api, rep_wang, customer):
    api.force_authenticate(rep_wang)
    answer = api.get(_url(customer))
    assert answer["ETag"] == f'"{version_of(customer)}"'


def test_a_stale_if_match_is_refused_and_nothing_changes(api, rep_wang, clerk, customer):
    api.force_authenticate(rep_wang)
    tag = api.get(_url(customer))["ETag"]
    customer_update(customer=customer, by=clerk, phone="010-1111")  # someone else, meanwhile
    stale = api.patch(_url(customer), {"phone": "010-2222"}, format="json", HTTP_IF_MATCH=tag)
    assert (stale.status_code, stale.json()["code"]) == (412, "precondition_failed")
    customer.refresh_from_db()
    assert customer.phone == "010-1111"
    assert stale.json()["extra"]["current_version"] == version_of(customer)


def test_a_fresh_if_match_saves_and_answers_the_new_etag(api, rep_wang, customer):
    api.force_authenticate(rep_wang)
    tag = api.get(_url(customer))["ETag"]
    saved = api.patch(_url(customer), {"phone": "010-2222"}, format="json", HTTP_IF_MATCH=tag)
    assert saved.status_code == 200, saved.json()
    assert saved["ETag"] != tag
    assert saved["ETag"] == api.get(_url(customer))["ETag"]
    again = api.patch(_url(customer), {"phone": "010-3333"}, format="json", HTTP_IF_MATCH=tag)
    assert again.status_code == 412  # the first tag is stale now


def test_without_if_match_a_write_goes_through_unless_required(api, rep_wang, customer, settings):
    api.force_authenticate(rep_wang)
    assert api.patch(_url(customer), {"phone": "1"}, format="json").status_code == 200
    anything = api.patch(_url(customer), {"phone": "2"}, format="json", HTTP_IF_MATCH="*")
    assert anything.status_code == 200
    settings.IF_MATCH_REQUIRED = True
    refused = api.patch(_url(customer), {"phone": "3"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (428, "precondition_required")


def test_products_and_regions_honour_if_match(api, clerk, admin_user, region_north):
    product = product_save(by=clerk, code="P1", name="阿莫西林", list_price="1.00")
    api.force_authenticate(admin_user)
    for url in (
        f"/api/v1/catalog/products/{product.pk}/",
        f"/api/v1/accounts/regions/{region_north.pk}/",
    ):
        tag = api.get(url)["ETag"]
        assert api.patch(url, {"name": "一"}, format="json", HTTP_IF_MATCH=tag).status_code == 200
        stale = api.patch(url, {"name": "二"}, format="json", HTTP_IF_MATCH=tag)
        assert stale.status_code == 412, url


def test_a_status_change_is_a_new_version(clerk, customer):
    """A save of a few fields (a transition) writes updated_at too: the ETag moves."""
    before = version_of(customer)
    customer.phone = "9"
    customer.save(update_fields=["phone"])
    customer.refresh_from_db()
    assert version_of(customer) != before


def test_the_service_takes_the_expected_version(clerk, rep_wang, customer):
    read = version_of(customer)
    customer_update(customer=customer, by=clerk, phone="1", expected_version=read)
    with pytest.raises(PreconditionFailed):
        customer_update(customer=customer, by=rep_wang, phone="2", expected_version=read)
