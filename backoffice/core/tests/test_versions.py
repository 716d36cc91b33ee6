"""Lost updates (issue 15 §13): a detail carries its version as an ETag; a write with a
stale If-Match is refused with 412, never silently overwriting someone else's change."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from backoffice.catalog.services import product_save
from backoffice.core.exceptions import PreconditionFailed
from backoffice.core.versions import (
    VersionedQuerySet,
    check_version,
    has_version,
    version_of,
    version_parent,
)
from backoffice.parties.models import Customer
from backoffice.parties.services import customer_create, customer_update
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import SalesOrder, SalesOrderLine
from backoffice.sales.services import delivery_create, delivery_submit, order_create

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


# Writes that bypass save(): QuerySet.update(), bulk_update(), and a document's lines.


def test_an_update_of_the_row_is_a_new_version_and_a_stale_patch_is_refused(
    api, rep_wang, customer
):
    """A service that writes with QuerySet.update() moves the ETag: the old one is stale."""
    api.force_authenticate(rep_wang)
    tag = api.get(_url(customer))["ETag"]
    Customer.objects.filter(pk=customer.pk).update(phone="010-1111")
    stale = api.patch(_url(customer), {"phone": "010-2222"}, format="json", HTTP_IF_MATCH=tag)
    assert (stale.status_code, stale.json()["code"]) == (412, "precondition_failed")
    customer.refresh_from_db()
    assert customer.phone == "010-1111"


def test_an_update_that_sets_updated_at_itself_keeps_it(customer):
    then = timezone.now() - timedelta(days=1)
    Customer.objects.filter(pk=customer.pk).update(phone="1", updated_at=then)
    customer.refresh_from_db()
    assert customer.updated_at == then


def test_a_bulk_update_is_a_new_version(customer):
    before = version_of(customer)
    customer.phone = "9"
    Customer.objects.bulk_update([customer], ["phone"])
    assert version_of(customer) != before  # the object in hand carries the new version
    assert version_of(Customer.objects.get(pk=customer.pk)) == version_of(customer)


def _order_tag(api, order):
    answer = api.get(f"/api/v1/sales/orders/{order.pk}/")
    assert answer.status_code == 200
    return answer


def test_a_delivery_makes_its_order_a_new_version(api, clerk, second_clerk, third_clerk, delivered):
    """The order's answer shows each line's delivered quantity: a delivery that changes
    them (with QuerySet.update, the status staying partially delivered) moves the order's
    ETag, and a write holding the old one is refused."""
    api.force_authenticate(clerk)
    before = _order_tag(api, delivered)
    first = delivered.lines.order_by("line_no").first()
    delivery = delivery_create(
        order=delivered, by=clerk, lines=[{"order_line": first, "quantity": "2"}]
    )
    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in (second_clerk, third_clerk):
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    after = _order_tag(api, delivered)
    assert after.json()["status"] == before.json()["status"] == "partially_delivered"
    assert after.json()["lines"][0]["delivered_quantity"] == "8.000"
    assert after["ETag"] != before["ETag"]
    with pytest.raises(PreconditionFailed):
        check_version(SalesOrder.objects.get(pk=delivered.pk), before["ETag"].strip('"'))


def test_a_documents_lines_written_any_way_make_it_a_new_version(clerk, hospital, products):
    """Save, update, bulk_update, bulk_create and delete of a line: each moves the order."""
    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "10"}]
    )

    def moved(write) -> bool:
        before = version_of(SalesOrder.objects.get(pk=order.pk))
        write()
        return version_of(SalesOrder.objects.get(pk=order.pk)) != before

    line = order.lines.get()
    assert moved(lambda: order.lines.update(quantity=F("quantity") + 1))
    assert moved(lambda: order.lines.select_for_update().update(quantity=F("quantity") + 1))
    line.quantity = Decimal("12")
    assert moved(lambda: SalesOrderLine.objects.bulk_update([line], ["quantity"]))
    line.quantity = Decimal("13")
    assert moved(line.save)
    added = SalesOrderLine(
        order=order, line_no=2, product=products[1], quantity=1, unit_price=1, vat_rate=0
    )
    assert moved(lambda: SalesOrderLine.objects.bulk_create([added]))
    assert moved(lambda: SalesOrderLine.objects.filter(pk=added.pk).delete())
    assert moved(line.delete)


def test_every_versioned_model_and_document_line_is_managed_by_the_versioned_queryset():
    """A model with a version, or a document's line, whose manager's update() would leave
    the version where it was, fails here."""
    from django.apps import apps

    left_out = [
        model._meta.label
        for model in apps.get_models()
        if (has_version(model) or version_parent(model) is not None)
        and not issubclass(model._default_manager._queryset_class, VersionedQuerySet)
    ]
    assert left_out == []
