"""Races on the real database (run on SQLite and PostgreSQL): real threads, real commits."""

from decimal import Decimal

import pytest

from backoffice.core.tests.races import all_at_once
from backoffice.materials.models import IssueRequest, MaterialItem, StockBalance, StockMove
from backoffice.materials.services import issue_create, issue_submit, stocktake_start
from backoffice.materials.tests.conftest import receive
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def test_twenty_releases_of_one_item_with_stock_for_ten(
    rep_wang, clerk, second_clerk, keeper, warehouse, brochure
):
    receive(clerk, warehouse, brochure, "10", "3.33")
    issues = []
    for _n in range(20):
        issue = issue_create(
            by=rep_wang,
            location=warehouse,
            purpose="internal",
            lines=[{"item": brochure, "quantity": "1"}],
        )
        issue_submit(issue=issue, by=rep_wang)
        review_decide(request=review_request_for(issue), by=clerk, verdict="approve")
        issues.append(issue)

    # the second approval of all twenty at once: each would release one
    _, errors = all_at_once(
        [
            lambda i=i: review_decide(request=review_request_for(i), by=keeper, verdict="approve")
            for i in issues
        ]
    )

    assert {getattr(e, "code", repr(e)) for e in errors} <= {"insufficient_stock"}
    assert IssueRequest.objects.filter(status="released").count() == 10 and len(errors) == 10
    assert IssueRequest.objects.filter(status="in_review").count() == 10
    item = MaterialItem.objects.get(pk=brochure.pk)
    moves = StockMove.objects.filter(item=item).values_list("quantity", "value")
    # summed in Python: SQLite adds decimals in floating point
    assert item.stock_quantity == Decimal("0") == sum(q for q, _v in moves)
    assert item.stock_value == Decimal("0.00") == sum(v for _q, v in moves)
    assert not StockBalance.objects.filter(quantity__lt=0).exists()
    numbers = set(IssueRequest.objects.exclude(number="").values_list("number", flat=True))
    assert len(numbers) == 10  # gapless, one each


def test_a_stocktake_starting_among_receipts_snapshots_every_one_it_lets_in(
    clerk, keeper, warehouse, brochure
):
    receive(clerk, warehouse, brochure, "5", "2.00")
    started = []

    def start():
        started.append(stocktake_start(by=keeper, location=warehouse))

    _, errors = all_at_once(
        [start] + [lambda: receive(clerk, warehouse, brochure, "1", "2.00") for _ in range(8)]
    )

    # receipts after the start are refused; those before it are in its snapshot
    assert {getattr(e, "code", repr(e)) for e in errors} <= {"stocktake_in_progress"}
    (stocktake,) = started
    on_hand = StockBalance.objects.get(item=brochure, location=warehouse).quantity
    expected = stocktake.lines.get(item=brochure).expected
    assert expected == on_hand == Decimal(5 + 8 - len(errors))
