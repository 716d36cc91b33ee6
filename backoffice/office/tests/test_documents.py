"""Documents write their own register entry: a delivery shipped by express or logistics,
then signed for (delivered) or returned."""

import pytest
from django.utils import timezone

from backoffice.office.exceptions import CarrierNotApproved
from backoffice.office.models import MailItem
from backoffice.office.services import carrier_save, mail_for
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.services import (
    delivery_create,
    delivery_ship,
    delivery_sign,
    delivery_submit,
    order_create,
    order_submit,
)
from backoffice.sales.tests.factories import batch_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(hospital, clerk, second_clerk, third_clerk, products, carrier):
    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "10"}]
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    delivery = delivery_create(
        order=order,
        by=clerk,
        lines=[{"order_line": order.lines.get(), "quantity": "10"}],
        carrier=carrier,
        promised_on=timezone.localdate(),
    )
    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in (second_clerk, third_clerk):
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    return delivery


def test_a_shipped_delivery_is_in_the_register_and_signed_is_delivered(released, clerk, carrier):
    delivery = delivery_ship(
        delivery=released, by=clerk, tracking_number="SF8001", lines=batch_rows(released)
    )
    item = mail_for(delivery)
    assert (item.kind, item.carrier, item.tracking_number) == ("parcel", carrier, "SF8001")
    assert item.customer_id == delivery.customer_id and item.source_number == delivery.number
    delivery_sign(delivery=delivery, by=clerk, signed_on=timezone.localdate(), signed_by="王主任")
    item = MailItem.objects.get(pk=item.pk)
    assert item.status == "delivered" and item.delivered_on == timezone.localdate()


def test_a_carrier_suspended_after_the_release_still_takes_the_goods(released, clerk, carrier):
    carrier_save(by=clerk, carrier=carrier, status="suspended")
    delivery_ship(delivery=released, by=clerk, tracking_number="SF8002", lines=batch_rows(released))
    assert mail_for(released).carrier == carrier


def test_a_delivery_names_an_approved_carrier_only(
    hospital, clerk, second_clerk, products, carrier
):
    carrier_save(by=clerk, carrier=carrier, status="candidate")
    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "1"}]
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    with pytest.raises(CarrierNotApproved):
        delivery_create(
            order=order,
            by=clerk,
            lines=[{"order_line": order.lines.get(), "quantity": "1"}],
            carrier=carrier,
        )


def test_an_issued_invoice_mailed_is_in_the_register_once(issued, clerk, carrier, api):
    from backoffice.core.exceptions import ValidationFailed
    from backoffice.sales.services import invoice_mail

    invoice_mail(invoice=issued, by=clerk, carrier=carrier, tracking_number="SF6001", cost="12")
    item = mail_for(issued)
    assert (item.kind, item.customer_id, item.note) == ("invoice", issued.customer_id, "12345678")
    with pytest.raises(ValidationFailed):
        invoice_mail(invoice=issued, by=clerk, carrier=carrier, tracking_number="SF6002")
    api.force_authenticate(clerk)
    again = api.post(
        f"/api/v1/sales/invoices/{issued.pk}/mail/",
        {"carrier": carrier.pk, "tracking_number": "SF6003"},
        format="json",
    )
    assert again.status_code == 400 and MailItem.objects.count() == 1
