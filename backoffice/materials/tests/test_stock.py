"""The stock ledger through its documents: receipts, issues (double review), returns."""

from decimal import Decimal

import pytest

from backoffice.core.exceptions import InvalidTransition, ValidationFailed
from backoffice.materials.exceptions import InsufficientStock, StocktakeInProgress
from backoffice.materials.models import IssueRequest, Location, StockBalance, StockMove
from backoffice.materials.services import (
    issue_cancel,
    issue_create,
    issue_return,
    issue_submit,
)
from backoffice.materials.tests.conftest import receive, refreshed, soon
from backoffice.reviews.exceptions import SelfReviewForbidden
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

pytestmark = pytest.mark.django_db


def _moves_agree(item) -> None:
    item = refreshed(item)
    moves = StockMove.objects.filter(item=item).values_list("quantity", "value")
    on_hand = StockBalance.objects.filter(item=item).values_list("quantity", flat=True)
    # summed in Python: SQLite adds decimals in floating point
    assert item.stock_quantity == sum(q for q, _v in moves) == sum(on_hand)
    assert item.stock_value == sum(v for _q, v in moves)


def _release(issue, *reviewers):
    for reviewer in reviewers:
        review_decide(request=review_request_for(issue), by=reviewer, verdict="approve")
    return IssueRequest.objects.get(pk=issue.pk)


def test_receipts_keep_the_moving_average(clerk, warehouse, brochure):
    receive(clerk, warehouse, brochure, "100", "2.00")
    receive(clerk, warehouse, brochure, "50", "3.50")
    item = refreshed(brochure)
    assert item.stock_quantity == Decimal("150")
    assert item.stock_value == Decimal("375.00")
    assert item.unit_cost == Decimal("2.500000")
    _moves_agree(brochure)


def test_an_issue_to_a_customer_released_by_two_reviewers_moves_the_stock(
    rep_wang, clerk, second_clerk, keeper, warehouse, brochure, hospital
):
    receive(clerk, warehouse, brochure, "100", "2.00")
    issue = issue_create(
        by=rep_wang,
        location=warehouse,
        purpose="customer",
        customer=hospital,
        lines=[{"item": brochure, "quantity": "30"}],
    )
    issue_submit(issue=issue, by=rep_wang)
    assert refreshed(brochure).stock_quantity == Decimal("100")  # nothing moves in review
    issue = _release(issue, clerk)
    assert issue.status == "in_review"
    issue = _release(issue, keeper)
    assert issue.status == "released" and issue.number.startswith("MI-")
    assert issue.total_value == Decimal("60.00")
    item = refreshed(brochure)
    assert item.stock_quantity == Decimal("70") and item.stock_value == Decimal("140.00")
    move = StockMove.objects.get(kind="issue")
    assert move.customer == hospital and move.source_number == issue.number
    _moves_agree(brochure)


def test_the_requester_never_reviews(clerk, second_clerk, warehouse, brochure):
    receive(clerk, warehouse, brochure, "10", "1.00")
    issue = issue_create(
        by=clerk,
        location=warehouse,
        purpose="internal",
        lines=[{"item": brochure, "quantity": "1"}],
    )
    issue_submit(issue=issue, by=clerk)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(issue), by=clerk, verdict="approve")


def test_batches_go_first_expiring_first_and_never_expired(
    rep_wang, clerk, second_clerk, keeper, warehouse, sample, hospital
):
    receive(clerk, warehouse, sample, "5", "10.00", batch="B-LATE", expires_on=soon(300))
    receive(clerk, warehouse, sample, "5", "10.00", batch="B-SOON", expires_on=soon(20))
    # a batch already expired: received earlier, still on the shelf
    StockBalance.objects.filter(batch="B-SOON").update(expires_on=soon(20))
    issue = issue_create(
        by=rep_wang,
        location=warehouse,
        purpose="customer",
        customer=hospital,
        lines=[{"item": sample, "quantity": "7"}],
    )
    issue_submit(issue=issue, by=rep_wang)
    _release(issue, clerk, keeper)
    taken = dict(StockMove.objects.filter(kind="issue").values_list("batch", "quantity"))
    assert taken == {"B-SOON": Decimal("-5"), "B-LATE": Decimal("-2")}


def test_an_expired_batch_is_never_issued(rep_wang, clerk, warehouse, sample, hospital):
    receive(clerk, warehouse, sample, "5", "10.00", batch="B-OLD", expires_on=soon(5))
    StockBalance.objects.filter(batch="B-OLD").update(expires_on=soon(-1))
    issue = issue_create(
        by=rep_wang,
        location=warehouse,
        purpose="customer",
        customer=hospital,
        lines=[{"item": sample, "quantity": "1"}],
    )
    with pytest.raises(InsufficientStock) as refused:
        issue_submit(issue=issue, by=rep_wang)
    assert "expired" in str(refused.value.message)


def test_a_release_that_would_go_below_zero_is_refused_and_nothing_moves(
    rep_wang, rep_li, clerk, keeper, warehouse, brochure
):
    receive(clerk, warehouse, brochure, "10", "1.00")
    first = issue_create(
        by=rep_wang,
        location=warehouse,
        purpose="internal",
        lines=[{"item": brochure, "quantity": "8"}],
    )
    second = issue_create(
        by=rep_li,
        location=warehouse,
        purpose="internal",
        lines=[{"item": brochure, "quantity": "8"}],
    )
    issue_submit(issue=first, by=rep_wang)
    issue_submit(issue=second, by=rep_li)  # both fit now; nothing is reserved
    _release(first, clerk, keeper)
    review_decide(request=review_request_for(second), by=clerk, verdict="approve")
    with pytest.raises(InsufficientStock) as refused:
        review_decide(request=review_request_for(second), by=keeper, verdict="approve")
    assert refused.value.code == "insufficient_stock"
    assert IssueRequest.objects.get(pk=second.pk).status == "in_review"
    assert refreshed(brochure).stock_quantity == Decimal("2")
    _moves_agree(brochure)


def test_a_rep_bag_holds_what_was_issued_to_the_rep(
    rep_wang, clerk, second_clerk, keeper, warehouse, sample
):
    receive(clerk, warehouse, sample, "10", "12.00", batch="B1", expires_on=soon(200))
    issue = issue_create(
        by=clerk,
        location=warehouse,
        purpose="rep",
        recipient=rep_wang,
        lines=[{"item": sample, "quantity": "4"}],
    )
    issue_submit(issue=issue, by=clerk)
    _release(issue, second_clerk, keeper)
    bag = Location.objects.get(holder=rep_wang)
    assert bag.kind == "bag"
    on_hand = dict(
        StockBalance.objects.filter(item=sample).values_list("location__code", "quantity")
    )
    assert on_hand == {"WH": Decimal("6"), bag.code: Decimal("4")}
    item = refreshed(sample)
    assert item.stock_quantity == Decimal("10") and item.stock_value == Decimal("120.00")
    _moves_agree(sample)


def test_lent_samples_come_back_at_the_value_they_left_with(
    rep_wang, clerk, second_clerk, keeper, warehouse, sample, hospital
):
    receive(clerk, warehouse, sample, "10", "10.00", batch="B1", expires_on=soon(200))
    issue = issue_create(
        by=rep_wang,
        location=warehouse,
        purpose="customer",
        customer=hospital,
        due_back_on=soon(14),
        lines=[{"item": sample, "quantity": "6"}],
    )
    issue_submit(issue=issue, by=rep_wang)
    issue = _release(issue, clerk, keeper)
    receive(clerk, warehouse, sample, "4", "25.00", batch="B2", expires_on=soon(300))
    line = issue.lines.get()
    issue = issue_return(issue=issue, by=keeper, lines=[{"line": line.pk, "quantity": "2"}])
    assert issue.status == "released"
    back = StockMove.objects.get(kind="return")
    assert (back.batch, back.quantity, back.value) == ("B1", Decimal("2"), Decimal("20.00"))
    with pytest.raises(ValidationFailed):  # more than is still out
        issue_return(issue=issue, by=keeper, lines=[{"line": line.pk, "quantity": "5"}])
    issue = issue_return(issue=issue, by=keeper, lines=[{"line": line.pk, "quantity": "4"}])
    assert issue.status == "returned"
    assert issue.lines.get().returned_quantity == Decimal("6")
    _moves_agree(sample)


def test_a_location_being_counted_refuses_movements(clerk, warehouse, brochure):
    from django.utils import timezone

    Location.objects.filter(pk=warehouse.pk).update(counting_since=timezone.now())
    with pytest.raises(StocktakeInProgress):
        receive(clerk, Location.objects.get(pk=warehouse.pk), brochure, "1", "1.00")


def test_checks_of_a_request(rep_wang, clerk, warehouse, brochure, hospital):
    with pytest.raises(ValidationFailed) as bad:
        issue_create(
            by=rep_wang,
            location=warehouse,
            purpose="customer",
            lines=[{"item": brochure, "quantity": "1"}],
        )
    assert "customer" in bad.value.extra["fields"]
    with pytest.raises(ValidationFailed) as bad:
        issue_create(
            by=rep_wang,
            location=warehouse,
            purpose="internal",
            due_back_on=soon(3),
            lines=[{"item": brochure, "quantity": "1"}],
        )
    assert "due_back_on" in bad.value.extra["fields"]
    with pytest.raises(ValidationFailed) as bad:
        issue_create(
            by=rep_wang,
            location=warehouse,
            purpose="customer",
            customer=hospital,
            lines=[{"item": brochure, "quantity": "1"}, {"item": brochure, "quantity": "2"}],
        )
    assert bad.value.extra["fields"]["lines"] == {"2": {"item": ["already on another line"]}}
    with pytest.raises(ValidationFailed) as bad:
        issue_create(
            by=rep_wang,
            location=warehouse,
            purpose="customer",
            customer=hospital,
            lines=[{"item": brochure, "quantity": "-1"}],
        )
    assert "1" in bad.value.extra["fields"]["lines"]


def test_a_draft_is_cancelled_a_released_one_is_not(rep_wang, clerk, keeper, warehouse, brochure):
    receive(clerk, warehouse, brochure, "10", "1.00")
    draft = issue_create(
        by=rep_wang,
        location=warehouse,
        purpose="internal",
        lines=[{"item": brochure, "quantity": "1"}],
    )
    assert issue_cancel(issue=draft, by=rep_wang, reason="不要了").status == "cancelled"
    issue = issue_create(
        by=rep_wang,
        location=warehouse,
        purpose="internal",
        lines=[{"item": brochure, "quantity": "1"}],
    )
    issue_submit(issue=issue, by=rep_wang)
    issue = _release(issue, clerk, keeper)
    with pytest.raises(InvalidTransition):
        issue_cancel(issue=issue, by=rep_wang)


def test_a_batch_tracked_receipt_names_its_batch(clerk, warehouse, sample):
    with pytest.raises(ValidationFailed) as bad:
        receive(clerk, warehouse, sample, "1", "1.00")
    assert bad.value.extra["fields"]["lines"]["1"] == {
        "batch": ["this item is batch-tracked: name the batch"]
    }


def test_two_lines_of_one_item_never_take_the_same_stock_twice(clerk, warehouse, brochure):
    from backoffice.materials.services import stock_check

    receive(clerk, warehouse, brochure, "5", "1.00")
    stock_check(
        [(brochure, warehouse, Decimal("2")), (brochure, warehouse, Decimal("3"))], on=soon(0)
    )
    with pytest.raises(InsufficientStock):
        stock_check(
            [(brochure, warehouse, Decimal("3")), (brochure, warehouse, Decimal("3"))], on=soon(0)
        )


def test_an_edit_of_the_item_never_overwrites_its_stock_figures(clerk, warehouse, brochure):
    from backoffice.materials.services import item_save

    stale = refreshed(brochure)  # as a form read it
    receive(clerk, warehouse, brochure, "10", "2.00")
    item_save(by=clerk, item=stale, name="新彩页", reorder_level=Decimal("3"))
    item = refreshed(brochure)
    assert item.name == "新彩页"
    assert (item.stock_quantity, item.stock_value) == (Decimal("10"), Decimal("20.00"))
    _moves_agree(brochure)


def test_the_recipient_of_samples_never_releases_them(
    rep_wang, clerk, second_clerk, warehouse, sample
):
    receive(clerk, warehouse, sample, "10", "12.00", batch="B1", expires_on=soon(200))
    issue = issue_create(
        by=clerk,
        location=warehouse,
        purpose="rep",
        recipient=second_clerk,
        lines=[{"item": sample, "quantity": "1"}],
    )
    issue_submit(issue=issue, by=clerk)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(issue), by=second_clerk, verdict="approve")


def test_a_rep_bag_is_named_by_the_rep_id(rep_wang, clerk):
    from backoffice.materials.services import bag_of

    bag = bag_of(rep_wang, by=clerk)
    assert bag.code == f"BAG-{rep_wang.pk}" and bag_of(rep_wang, by=clerk) == bag


def test_a_transfer_moves_batches_at_their_value_and_keeps_the_item_whole(
    clerk, keeper, warehouse, office, sample, api
):
    from backoffice.materials.services import transfer_create

    receive(clerk, warehouse, sample, "4", "10.00", batch="B1", expires_on=soon(30))
    receive(clerk, warehouse, sample, "6", "20.00", batch="B2", expires_on=soon(90))
    before = refreshed(sample)
    transfer = transfer_create(
        by=keeper,
        from_location=warehouse,
        to_location=office,
        lines=[{"item": sample, "quantity": "5"}],
    )
    assert transfer.number.startswith("TR-")
    at_office = dict(
        StockBalance.objects.filter(item=sample, location=office).values_list("batch", "quantity")
    )
    assert at_office == {"B1": Decimal("4"), "B2": Decimal("1")}  # first-expiring first
    after = refreshed(sample)
    assert (after.stock_quantity, after.stock_value) == (before.stock_quantity, before.stock_value)
    # out at the moving average (160.00 / 10), in at what it left with
    assert transfer.lines.get().value == Decimal("80.00") == transfer.total_value
    _moves_agree(sample)
    with pytest.raises(InsufficientStock):
        transfer_create(
            by=keeper,
            from_location=office,
            to_location=warehouse,
            lines=[{"item": sample, "quantity": "6"}],
        )
    with pytest.raises(ValidationFailed):
        transfer_create(
            by=keeper,
            from_location=office,
            to_location=office,
            lines=[{"item": sample, "quantity": "1"}],
        )
    from backoffice.materials.services import bag_of

    with pytest.raises(ValidationFailed) as refused:  # bags are filled by reviewed issues
        transfer_create(
            by=keeper,
            from_location=office,
            to_location=bag_of(clerk, by=keeper),
            lines=[{"item": sample, "quantity": "1"}],
        )
    assert "to_location" in refused.value.extra["fields"]
    api.force_authenticate(keeper)
    answer = api.post(
        "/api/v1/materials/transfers/",
        {
            "from_location": office.pk,
            "to_location": warehouse.pk,
            "lines": [{"item": sample.pk, "quantity": "2"}],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["lines"][0]["quantity"] == "2.000"
    assert api.get("/api/v1/materials/transfers/").json()["count"] == 2
    _moves_agree(sample)
