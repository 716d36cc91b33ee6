"""Printing jobs: ordered, then received into stock at the job's cost to the cent."""

from decimal import Decimal

import pytest

from backoffice.core.exceptions import InvalidTransition, ValidationFailed
from backoffice.materials.models import StockMove
from backoffice.materials.services import (
    item_save,
    printing_cancel,
    printing_order,
    printing_receive,
)
from backoffice.materials.tests.conftest import refreshed

pytestmark = pytest.mark.django_db


def test_a_job_received_comes_into_stock_at_its_cost(clerk, keeper, warehouse, brochure):
    job = printing_order(
        by=clerk, item=brochure, supplier="上海印象印务", quantity="3000", cost="1000.00"
    )
    assert job.status == "ordered" and job.number.startswith("PJ-")
    job = printing_receive(job=job, by=keeper, location=warehouse)
    assert job.status == "received" and job.receipt.total_value == Decimal("1000.00")
    move = StockMove.objects.get()
    assert (move.quantity, move.value) == (Decimal("3000"), Decimal("1000.00"))  # not 999.99
    item = refreshed(brochure)
    assert item.stock_value == Decimal("1000.00") and item.unit_cost == Decimal("0.333333")
    with pytest.raises(InvalidTransition):
        printing_receive(job=job, by=keeper, location=warehouse)


def test_business_cards_name_their_person_and_a_cancelled_job_moves_nothing(clerk):
    cards = item_save(by=clerk, code="BC-1", name="名片", kind="business_card", unit="盒")
    with pytest.raises(ValidationFailed) as bad:
        printing_order(by=clerk, item=cards, supplier="快印店", quantity="2", cost="90")
    assert "for_whom" in bad.value.extra["fields"]
    job = printing_order(
        by=clerk, item=cards, supplier="快印店", quantity="2", cost="90", for_whom="王磊"
    )
    assert printing_cancel(job=job, by=clerk, reason="职位变更").status == "cancelled"
    assert not StockMove.objects.exists()
