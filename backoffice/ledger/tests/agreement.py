"""Every receivables figure the system shows, computed each its own way, for the tests that
assert they agree to the cent: the dashboard's tile, the overdue list (and to-dos), the AR
aging, the credit check at order audit, each customer's statement and account 1122."""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum

from backoffice.core.money import round_amount
from backoffice.ledger.models import JournalLine
from backoffice.ledger.selectors import (
    aging,
    customer_credit,
    customer_open_receivables,
    customer_statement,
    receivable_balances,
    receivables_overdue,
)

ZERO = Decimal("0.00")


def receivables_figures(customers: QuerySet, *, today: date) -> dict[str, Decimal]:
    balances = receivable_balances(customers, today=today)
    _rows, totals = aging(as_of=today, customers=customers)
    overdue = list(receivables_overdue(customers, today=today))
    ar = JournalLine.objects.filter(
        account__code="1122", customer__in=customers, posted_on__lte=today
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    statements = ZERO
    credits = ZERO
    for customer in customers:
        statement = customer_statement(customer=customer, date_from=date(2000, 1, 1), date_to=today)
        statements += statement["closing"]
        credits += customer_credit(customer, as_of=today)
    return {
        "dashboard": balances["open"],
        "aging": sum(totals.values(), ZERO),
        "credit_check": sum((customer_open_receivables(c) for c in customers), ZERO),
        "ledger_1122": round_amount((ar["d"] or ZERO) - (ar["c"] or ZERO)),
        # the statement shows what the customer owes net of its credit (2203)
        "statements_plus_credit": statements + credits,
        "overdue_dashboard": balances["overdue"],
        "overdue_list": sum((r.open_amount for r in overdue), ZERO),
        "overdue_count_dashboard": Decimal(balances["overdue_count"]),
        "overdue_count_list": Decimal(len(overdue)),
    }


def assert_receivables_agree(
    customers: QuerySet, *, today: date, past: bool = False
) -> dict[str, Decimal]:
    """`past`: `today` is a day before later documents; then only the figures that read as
    of a day (the aging, the statements, account 1122) are compared."""
    figures = receivables_figures(customers, today=today)
    names = ["aging", "ledger_1122", "statements_plus_credit"]
    if not past:
        names += ["dashboard", "credit_check"]
    open_figures = {figures[k] for k in names}
    assert len(open_figures) == 1, figures
    if not past:
        assert figures["overdue_dashboard"] == figures["overdue_list"], figures
        assert figures["overdue_count_dashboard"] == figures["overdue_count_list"], figures
    return figures
