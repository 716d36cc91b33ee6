"""The mail and express register: entries by hand and from documents (a delivery shipped by
express is registered, signed for it is delivered), approved carriers only, who sees what,
the carriers' rating, the overdue to-do."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.core.exceptions import ValidationFailed
from backoffice.office.exceptions import CarrierNotApproved
from backoffice.office.models import Carrier, MailItem
from backoffice.office.selectors import carrier_ratings, mail_overdue, mail_visible_to, on_time_rate
from backoffice.office.services import carrier_save, mail_register, mail_set_status, mail_update
from backoffice.office.tests.conftest import sent

pytestmark = pytest.mark.django_db


def test_an_entry_by_hand_is_numbered_and_takes_the_customer(clerk, carrier, hospital):
    item = sent(clerk, carrier, "SF100", customer=hospital, counterparty="")
    assert item.number.startswith("ML-") and item.counterparty == "北京医院"
    assert (item.region_id, item.owner_id) == (hospital.region_id, hospital.owner_id)
    assert item.status == "registered" and item.handler == clerk


def test_checks_of_an_entry(clerk, carrier):
    with pytest.raises(ValidationFailed) as refused:
        mail_register(
            by=clerk,
            kind="parcel",
            counterparty="",
            carrier=carrier,
            shipped_on=timezone.localdate() + timedelta(days=1),
            cost="-1",
        )
    fields = refused.value.extra["fields"]
    assert {"counterparty", "tracking_number", "shipped_on", "cost"} <= set(fields)
    sent(clerk, carrier, "SF1")
    with pytest.raises(ValidationFailed) as twice:
        sent(clerk, carrier, "SF1")
    assert "tracking_number" in twice.value.extra["fields"]
    assert MailItem.objects.count() == 1


def test_only_an_approved_carrier_is_chosen(clerk, carrier):
    carrier = carrier_save(by=clerk, carrier=carrier, status="suspended")
    with pytest.raises(CarrierNotApproved) as refused:
        sent(clerk, carrier, "SF2")
    assert refused.value.code == "carrier_not_approved" and refused.value.status == 409


def test_delivered_late_returned_and_the_rating(clerk, carrier):
    day = timezone.localdate() - timedelta(days=10)
    on_time = sent(clerk, carrier, "SF10", "10.00", day, promised_on=day + timedelta(days=2))
    late = sent(clerk, carrier, "SF11", "20.00", day, promised_on=day + timedelta(days=2))
    lost = sent(clerk, carrier, "SF12", "30.00", day)
    mail_set_status(item=on_time, by=clerk, status="sent")
    mail_set_status(item=on_time, by=clerk, status="delivered", on=day + timedelta(days=1))
    mail_set_status(item=late, by=clerk, status="delivered", on=day + timedelta(days=5))
    mail_set_status(item=lost, by=clerk, status="lost", note="丢件")
    with pytest.raises(ValidationFailed):  # before it was sent
        mail_set_status(
            item=sent(clerk, carrier, "SF13", day=day),
            by=clerk,
            status="delivered",
            on=day - timedelta(days=1),
        )
    rated = carrier_ratings(Carrier.objects.filter(pk=carrier.pk)).get()
    assert (rated.shipments, rated.promised, rated.on_time, rated.lost_or_damaged) == (4, 2, 1, 1)
    assert on_time_rate(rated) == Decimal("50.0")
    assert round(rated.average_cost, 2) == Decimal("18.00")  # (10 + 20 + 30 + 12) / 4


def test_overdue_items_are_to_dos(clerk, carrier):
    day = timezone.localdate() - timedelta(days=10)
    late = sent(clerk, carrier, "SF20", day=day, promised_on=day + timedelta(days=2))
    sent(clerk, carrier, "SF21", day=timezone.localdate(), promised_on=timezone.localdate())
    assert list(mail_overdue(clerk)) == [late]
    mail_set_status(item=late, by=clerk, status="delivered", on=timezone.localdate())
    assert not mail_overdue(clerk).exists()


def test_a_rep_sees_own_customers_mail_only(clerk, carrier, hospital, rep_wang, rep_li):
    mine = sent(clerk, carrier, "SF30", customer=hospital)
    sent(clerk, carrier, "SF31", counterparty="税务局")
    assert list(mail_visible_to(rep_wang)) == [mine]
    assert not mail_visible_to(rep_li).exists()
    assert mail_visible_to(clerk).count() == 2


def test_a_settled_entry_keeps_its_carrier_and_cost(clerk, carrier):
    item = sent(clerk, carrier, "SF40")
    MailItem.objects.filter(pk=item.pk).update(fee=Decimal("12"))
    item = mail_update(item=item, by=clerk, cost="13.00", note="改价")
    assert item.cost == Decimal("13.00")
