"""A hypothesis state machine over receipts, issues (to customers and into reps' bags) with
their two reviews, returns, transfers between locations, and batches that expire (issue 17
§3): whatever the order, the on-hand of each item × location × batch is the sum of its
movements and never below zero, each item's quantity and value are the sums of its
movements, the value is never below zero, and no movement out ever took an expired batch."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from backoffice.core.exceptions import ApplicationError
from backoffice.materials.models import (
    IssueRequest,
    MaterialItem,
    StockBalance,
    StockMove,
)
from backoffice.materials.services import (
    issue_create,
    issue_return,
    issue_submit,
    transfer_create,
)
from backoffice.materials.tests.conftest import receive
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

COSTS = ["0.85", "1.00", "2.333333", "12.50", "0"]


@pytest.mark.django_db
def test_stock_ledger_invariants(
    rep_wang, clerk, second_clerk, keeper, warehouse, office, brochure, sample, hospital
):
    today = timezone.localdate()
    items, locations = [brochure, sample], [warehouse, office]
    reached: set[str] = set()

    class Stock(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.steps_done: set[str] = set()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()

        def teardown(self):
            reached.update(self.steps_done)
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        @initialize()
        def one_of_each(self):
            self.receive(0, 0, 50, 1, 0)
            self.receive(1, 0, 20, 3, 1)
            self.issue(0, 0, 10, 0, True)
            self.issue(1, 0, 5, 1, False)
            self.give_back(0, 3)

        @rule(
            which=st.integers(0, 1),
            where=st.integers(0, 1),
            quantity=st.integers(1, 60),
            cost=st.integers(0, len(COSTS) - 1),
            batch=st.integers(0, 2),
        )
        def receive(self, which, where, quantity, cost, batch):
            item = items[which]
            batch_args = (
                {"batch": f"B{batch}", "expires_on": today + timedelta(days=30 * (batch + 1))}
                if item.is_batch_tracked
                else {}
            )
            receive(clerk, locations[where], item, str(quantity), COSTS[cost], **batch_args)
            self.steps_done.add("receive")

        @rule(
            which=st.integers(0, 1),
            where=st.integers(0, 1),
            quantity=st.integers(1, 40),
            purpose=st.integers(0, 1),
            lent=st.booleans(),
        )
        def issue(self, which, where, quantity, purpose, lent):
            to_rep = purpose == 1
            try:
                asked = issue_create(
                    by=clerk if to_rep else rep_wang,
                    location=locations[where],
                    purpose="rep" if to_rep else "customer",
                    customer=None if to_rep else hospital,
                    recipient=rep_wang if to_rep else None,
                    due_back_on=today + timedelta(days=7) if lent and not to_rep else None,
                    lines=[{"item": items[which], "quantity": str(quantity)}],
                )
                issue_submit(issue=asked, by=asked.owner)
                reviewers = (second_clerk, keeper) if to_rep else (clerk, keeper)
                for reviewer in reviewers:
                    review_decide(request=review_request_for(asked), by=reviewer, verdict="approve")
                self.steps_done.add("release_to_rep" if to_rep else "release")
            except ApplicationError as refused:
                assert refused.code == "insufficient_stock", refused.code
                self.steps_done.add("short")

        @rule(index=st.integers(0, 20), quantity=st.integers(1, 10))
        def give_back(self, index, quantity):
            released = list(IssueRequest.objects.filter(status="released").order_by("pk"))
            if not released:
                return
            issue = released[index % len(released)]
            line = issue.lines.first()
            quantity = min(Decimal(quantity), line.quantity - line.returned_quantity)
            try:
                issue_return(
                    issue=issue, by=keeper, lines=[{"line": line.pk, "quantity": quantity}]
                )
                self.steps_done.add("return")
            except ApplicationError as refused:
                # an issue to a rep comes back only while it is still in the rep's bag
                assert refused.code == "insufficient_stock", refused.code

        @rule(which=st.integers(0, 1), where=st.integers(0, 1), quantity=st.integers(1, 30))
        def move(self, which, where, quantity):
            try:
                transfer_create(
                    by=keeper,
                    from_location=locations[where],
                    to_location=locations[1 - where],
                    lines=[{"item": items[which], "quantity": str(quantity)}],
                )
                self.steps_done.add("transfer")
            except ApplicationError as refused:
                assert refused.code == "insufficient_stock", refused.code

        @rule(index=st.integers(0, 20))
        def a_batch_expires(self, index):
            batches = list(
                StockBalance.objects.filter(expires_on__isnull=False, quantity__gt=0).order_by("pk")
            )
            if batches:
                StockBalance.objects.filter(pk=batches[index % len(batches)].pk).update(
                    expires_on=today - timedelta(days=1)
                )
                self.steps_done.add("expire")

        @invariant()
        def on_hand_is_the_sum_of_the_movements(self):
            moved: dict[tuple, Decimal] = defaultdict(Decimal)
            values: dict[int, Decimal] = defaultdict(Decimal)
            quantities: dict[int, Decimal] = defaultdict(Decimal)
            for item, location, batch, quantity, value in StockMove.objects.values_list(
                "item_id", "location_id", "batch", "quantity", "value"
            ):
                moved[item, location, batch] += quantity
                values[item] += value
                quantities[item] += quantity
            on_hand = {
                (b.item_id, b.location_id, b.batch): b.quantity for b in StockBalance.objects.all()
            }
            assert {k: v for k, v in on_hand.items() if v} == {k: v for k, v in moved.items() if v}
            assert all(quantity >= 0 for quantity in on_hand.values())
            for item in MaterialItem.objects.all():
                assert item.stock_quantity == quantities[item.pk]
                assert item.stock_value == values[item.pk] >= 0

        @invariant()
        def no_expired_batch_went_out(self):
            out = StockMove.objects.filter(quantity__lt=0, kind__in=["issue", "transfer"])
            for moved_on, expires_on in out.values_list("moved_on", "expires_on"):
                assert expires_on is None or expires_on >= moved_on

    Stock.TestCase.settings = settings(
        max_examples=10,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Stock.TestCase().runTest()
    assert {
        "receive",
        "release",
        "release_to_rep",
        "return",
        "transfer",
        "short",
        "expire",
    } <= reached, reached
