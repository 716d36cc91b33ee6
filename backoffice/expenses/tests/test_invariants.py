"""A hypothesis state machine over apply, submit, approve, send back, verify, check, cancel,
the general manager's leave, and petty cash spent, taken back and settled (issue 18):
whatever the order, each budget is its available plus committed plus spent, nothing is
committed beyond a budget without leave, every posting balances, the expense accounts hold
exactly what was verified and settled, and the float is its cash on hand plus the entries not
yet settled, the cash never below zero."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from backoffice.core.exceptions import ApplicationError
from backoffice.core.periods import shift_start
from backoffice.expenses.models import (
    Budget,
    ExpenseApplication,
    ExpenseVerification,
    PettyCashEntry,
    PettyCashFloat,
    PettyCashSettlement,
)
from backoffice.expenses.selectors import budget_figures
from backoffice.expenses.services import (
    application_cancel,
    application_cancel_request,
    application_override,
    application_submit,
    budget_create,
    entry_create,
    entry_delete,
    float_issue,
    settlement_create,
    settlement_submit,
    verification_submit,
)
from backoffice.expenses.tests.conftest import application
from backoffice.expenses.tests.factories import ExpenseCategoryFactory
from backoffice.ledger.models import JournalLine
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

SPENT_ON = date(2026, 5, 20)


@pytest.mark.django_db
def test_budget_and_ledger_invariants(
    rep_wang, region_north, finance, sales_manager, general_manager, clerk
):
    conference = ExpenseCategoryFactory(code="CONF")
    gifts = ExpenseCategoryFactory(code="GIFT", name="样品及礼品", account_code="660105")
    for category, amount in ((conference, "30000"), (gifts, "8000")):
        budget_create(
            by=finance,
            region=region_north,
            category=category,
            period="quarter",
            starts_on=date(2026, 4, 1),
            amount=Decimal(amount),
        )
    courier = ExpenseCategoryFactory(
        code="EXPR", name="快递费", group="operations", account_code="660106"
    )
    printing = ExpenseCategoryFactory(
        code="PRNT", name="印刷费", group="operations", account_code="660107"
    )
    this_month = timezone.localdate().replace(day=1)
    reached: set[str] = set()

    def pick(status, index, model=ExpenseApplication):
        rows = list(model.objects.filter(status=status).order_by("pk"))
        return rows[index % len(rows)] if rows else None

    class Expenses(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.steps_done: set[str] = set()
            self.allowed: set[int] = set()  # applications the general manager let through
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.petty_float = float_issue(
                by=finance,
                holder=clerk,
                amount="1000",
                issued_on=shift_start(this_month, "month", -3),
            )

        def teardown(self):
            reached.update(self.steps_done)
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        @initialize()
        def one_of_each(self):
            """Every example goes through each path once before the random rules."""
            self.apply(9000, 1, True)  # more than the 8,000 for gifts: refused
            self.apply(6000, 0, True)
            self.approve(0)
            self.verify(0, 95)
            self.spend(50, 1)
            self.settle(1, False)

        @rule(amount=st.integers(1, 40000), which=st.integers(0, 1), submit=st.booleans())
        def apply(self, amount, which, submit):
            category = (conference, gifts)[which]
            asked = application(rep_wang, region_north, category, str(amount))
            if submit:
                self.submit(asked)

        def submit(self, asked):
            try:
                application_submit(application=asked, by=rep_wang)
                self.steps_done.add("submit")
            except ApplicationError as refused:
                assert refused.code == "budget_exceeded"
                self.steps_done.add("refused")

        @rule(index=st.integers(0, 20))
        def allow_and_submit(self, index):
            asked = pick("draft", index)
            if asked is not None:
                application_override(application=asked, by=general_manager, reason="特批")
                self.allowed.add(asked.pk)
                self.submit(asked)

        @rule(index=st.integers(0, 20))
        def approve(self, index):
            asked = pick("in_review", index)
            if asked is None:
                return
            request = review_request_for(asked)
            for reviewer in (sales_manager, general_manager):
                if ExpenseApplication.objects.get(pk=asked.pk).status == "in_review":
                    review_decide(request=request, by=reviewer, verdict="approve")
            self.steps_done.add("approve")

        @rule(index=st.integers(0, 20))
        def send_back(self, index):
            asked = pick("in_review", index)
            if asked is not None:
                review_decide(
                    request=review_request_for(asked), by=sales_manager, verdict="reject", note="改"
                )

        @rule(index=st.integers(0, 20), percent=st.integers(1, 115))
        def verify(self, index, percent):
            granted = pick("approved", index)
            if (
                granted is None
                or ExpenseVerification.objects.filter(
                    application=granted, status="in_review"
                ).exists()
            ):
                return
            spent = (granted.amount * percent / 100).quantize(Decimal("0.01"))
            line = {"spent_on": SPENT_ON, "description": "会场", "amount": max(spent, 1)}
            try:
                verification = verification_submit(
                    application=granted, by=rep_wang, lines=[line], scans=[pdf_upload()]
                )
            except ApplicationError as refused:
                assert refused.code == "over_approved" and percent > 110
                return
            review_decide(request=review_request_for(verification), by=finance, verdict="approve")
            self.steps_done.add("verify")

        @rule(index=st.integers(0, 20))
        def cancel(self, index):
            draft = pick("draft", index)
            if draft is not None:
                application_cancel(application=draft, by=rep_wang, reason="不办了")
            granted = pick("approved", index)
            if granted is not None and not hasattr(granted, "verification"):
                asked = application_cancel_request(application=granted, by=rep_wang, reason="取消")
                review_decide(
                    request=review_request_for(asked), by=sales_manager, verdict="approve"
                )
                self.steps_done.add("cancel_approved")

        @rule(amount=st.integers(1, 400), months_ago=st.integers(0, 2))
        def spend(self, amount, months_ago):
            try:
                entry_create(
                    by=clerk,
                    petty_float=self.petty_float,
                    spent_on=shift_start(this_month, "month", -months_ago),
                    category=(courier, printing)[amount % 2],
                    amount=str(amount),
                    description="快递",
                    scan=pdf_upload(),
                )
                self.steps_done.add("spend")
            except ApplicationError as refused:
                assert refused.code in ("insufficient_cash", "period_locked"), refused.code
                self.steps_done.add(refused.code)

        @rule(index=st.integers(0, 20))
        def take_back(self, index):
            entries = list(PettyCashEntry.objects.filter(settlement__isnull=True).order_by("pk"))
            if entries:
                entry_delete(entry=entries[index % len(entries)], by=clerk)

        @rule(months_ago=st.integers(1, 2), send_back=st.booleans())
        def settle(self, months_ago, send_back):
            month = shift_start(this_month, "month", -months_ago)
            settlement = PettyCashSettlement.objects.filter(month=month).first()
            if settlement is None:
                settlement = settlement_create(by=clerk, petty_float=self.petty_float, month=month)
            if (
                settlement.status != "draft"
                or not PettyCashEntry.objects.filter(spent_on=month).exists()
            ):
                return
            settlement_submit(settlement=settlement, by=clerk)
            review = review_request_for(settlement)
            if send_back:
                review_decide(request=review, by=sales_manager, verdict="reject", note="补票")
                return
            for reviewer in (sales_manager, finance):
                review_decide(
                    request=review_request_for(settlement), by=reviewer, verdict="approve"
                )
            self.steps_done.add("settle")

        @invariant()
        def float_is_cash_on_hand_and_unsettled_entries(self):
            petty_float = PettyCashFloat.objects.get(pk=self.petty_float.pk)
            unsettled = PettyCashEntry.objects.exclude(settlement__status="settled").aggregate(
                s=Sum("amount")
            )["s"] or Decimal("0.00")
            assert petty_float.cash_on_hand >= 0
            assert petty_float.amount == petty_float.cash_on_hand + unsettled
            settled = PettyCashEntry.objects.filter(settlement__status="settled").aggregate(
                s=Sum("amount")
            )["s"] or Decimal("0.00")
            posted = JournalLine.objects.filter(
                entry__source_model="expenses.pettycashsettlement",
                account__code__in=["660106", "660107"],
            ).aggregate(d=Sum("debit"))["d"] or Decimal("0.00")
            assert posted == settled

        @invariant()
        def budgets_add_up(self):
            for budget in budget_figures(list(Budget.objects.order_by("pk"))):
                assert budget.amount == budget.available + budget.committed + budget.spent
                beyond = ExpenseApplication.objects.filter(
                    pk__in=self.allowed, category=budget.category
                ).exclude(status__in=["draft", "cancelled"])
                if not beyond.exists():  # without leave, never more than the budget
                    assert budget.available >= 0, budget

        @invariant()
        def postings_balance_and_hold_what_was_verified(self):
            everything = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
            assert everything["d"] == everything["c"]
            lines = JournalLine.objects.filter(entry__source_model="expenses.expenseverification")
            totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
            assert totals["d"] == totals["c"]
            verified = ExpenseApplication.objects.filter(status="verified").aggregate(
                s=Sum("spent")
            )["s"]
            assert (totals["d"] or 0) == (verified or 0)

    Expenses.TestCase.settings = settings(
        max_examples=8,
        stateful_step_count=16,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Expenses.TestCase().runTest()
    assert {"submit", "refused", "approve", "verify", "spend", "settle"} <= reached, reached
