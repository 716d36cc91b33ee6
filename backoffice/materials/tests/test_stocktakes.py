"""Stocktakes: a snapshot, a locked location, counts entered or imported, variances posted
as adjustments once a sales manager approves; sent back to count again; cancelled."""

from decimal import Decimal

import pytest

from backoffice.accounts.services import user_create
from backoffice.core.exceptions import ValidationFailed
from backoffice.materials.exceptions import StocktakeInProgress
from backoffice.materials.models import Location, StockBalance, StockMove, Stocktake
from backoffice.materials.services import (
    count_rows,
    stocktake_cancel,
    stocktake_count,
    stocktake_start,
    stocktake_submit,
    stocktake_variances,
)
from backoffice.materials.tests.conftest import receive, refreshed, soon
from backoffice.reviews.exceptions import SelfReviewForbidden
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales_manager(db):
    return user_create(username="sm", role="sales_manager", full_name="赵强")


def _decide(stocktake, by, verdict="approve", note=""):
    review_decide(request=review_request_for(stocktake), by=by, verdict=verdict, note=note)
    return Stocktake.objects.get(pk=stocktake.pk)


def test_a_count_posts_its_variances_once_approved(
    keeper, clerk, sales_manager, warehouse, brochure, sample
):
    receive(clerk, warehouse, brochure, "100", "2.00")
    receive(clerk, warehouse, sample, "10", "5.00", batch="B1", expires_on=soon(90))
    stocktake = stocktake_start(by=keeper, location=warehouse)
    expected = {(line.item_id, line.batch): line.expected for line in stocktake.lines.all()}
    assert expected == {(brochure.pk, ""): Decimal("100"), (sample.pk, "B1"): Decimal("10")}
    with pytest.raises(StocktakeInProgress):  # nothing moves while it is counted
        receive(clerk, Location.objects.get(pk=warehouse.pk), brochure, "1", "1.00")
    with pytest.raises(ValidationFailed):  # not everything counted
        stocktake_submit(stocktake=stocktake, by=keeper)
    stocktake_count(
        stocktake=stocktake,
        by=keeper,
        counts=[
            {"item": brochure, "batch": "", "counted": "97"},
            {"item": sample, "batch": "B1", "counted": "10"},
            {"item": sample, "batch": "B9", "counted": "2", "expires_on": soon(60)},
        ],
    )
    rows = {
        (r["line"].item_id, r["line"].batch): r["value"] for r in stocktake_variances(stocktake)
    }
    assert rows == {(brochure.pk, ""): Decimal("-6.00"), (sample.pk, "B9"): Decimal("10.00")}
    stocktake_submit(stocktake=stocktake, by=keeper)
    with pytest.raises(SelfReviewForbidden):
        _decide(stocktake, keeper)
    stocktake = _decide(stocktake, sales_manager)
    assert stocktake.status == "approved" and stocktake.variance_value == Decimal("4.00")
    assert Location.objects.get(pk=warehouse.pk).counting_since is None
    on_hand = dict(StockBalance.objects.filter(location=warehouse).values_list("batch", "quantity"))
    assert on_hand == {"": Decimal("97"), "B1": Decimal("10"), "B9": Decimal("2")}
    adjustments = StockMove.objects.filter(kind="adjustment")
    assert sorted(adjustments.values_list("quantity", flat=True)) == [Decimal("-3"), Decimal("2")]
    assert refreshed(brochure).stock_value == Decimal("194.00")
    receive(clerk, Location.objects.get(pk=warehouse.pk), brochure, "1", "1.00")  # open again


def test_sent_back_it_is_counted_again_cancelled_nothing_moves(
    keeper, clerk, sales_manager, warehouse, brochure
):
    receive(clerk, warehouse, brochure, "10", "1.00")
    stocktake = stocktake_start(by=keeper, location=warehouse)
    with pytest.raises(StocktakeInProgress):
        stocktake_start(by=keeper, location=Location.objects.get(pk=warehouse.pk))
    stocktake_count(stocktake=stocktake, by=keeper, counts=[{"item": brochure, "counted": "4"}])
    stocktake_submit(stocktake=stocktake, by=keeper)
    stocktake = _decide(stocktake, sales_manager, "reject", "请复盘")
    assert stocktake.status == "counting"
    stocktake_count(stocktake=stocktake, by=keeper, counts=[{"item": brochure, "counted": "10"}])
    stocktake = stocktake_cancel(stocktake=stocktake, by=keeper, reason="改期")
    assert stocktake.status == "cancelled"
    assert not StockMove.objects.filter(kind="adjustment").exists()
    assert Location.objects.get(pk=warehouse.pk).counting_since is None


def test_a_count_sheet_names_the_row_and_column_of_each_problem(brochure, sample):
    counts = count_rows(
        [
            {"物料编码": "M-BR01", "批号": "", "实盘数量": "12"},
            {"物料编码": "M-SP01", "批号": "B1", "实盘数量": "3", "有效期至": "2027-03-01"},
        ]
    )
    assert [(c["item"], c["counted"]) for c in counts] == [(brochure, "12"), (sample, "3")]
    with pytest.raises(ValidationFailed) as bad:
        count_rows([{"物料编码": "M-BR01", "实盘数量": "1"}, {"物料编码": "NOPE", "实盘数量": "1"}])
    assert bad.value.extra["fields"]["lines"] == {"3": {"item": ["no item with the code NOPE"]}}
    with pytest.raises(ValidationFailed) as bad:
        count_rows([{"item": "M-BR01"}])
    assert "实盘数量" in str(bad.value.message)


def test_stock_found_of_an_item_without_batches_has_no_expiry(keeper, clerk, office, brochure):
    stocktake = stocktake_start(by=keeper, location=office)
    with pytest.raises(ValidationFailed) as refused:
        stocktake_count(
            stocktake=stocktake,
            by=keeper,
            counts=[{"item": brochure, "batch": "", "counted": "3", "expires_on": soon(30)}],
        )
    assert "expires_on" in str(refused.value.extra)
    assert not stocktake.lines.exists()
