"""Opening balances: the receivables still open when the history ends, one per customer,
checked in Python and posted AR / retained earnings in one journal entry per date."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from backoffice.core.money import round_amount
from backoffice.ledger.models import Receivable
from backoffice.ledger.services import AR, OPENING, journal_post
from backoffice.parties.models import Customer
from backoffice.sales.history.context import Run, number_pattern
from backoffice.sales.history.files import date_problem, parse_date, parse_decimal, records

OPENING_SOURCE = "sales.opening"  # an opening receivable: one per customer, source_id = it
AMOUNT_RE = number_pattern(12, 2)


def check_opening_balances(run: Run) -> None:
    if "opening_balances" not in run.sources:
        return
    seen: set[str] = set()
    for line, row in records(run, "opening_balances"):
        code = row["customer_code"]
        amount = parse_decimal(row["amount"], AMOUNT_RE)
        as_of = parse_date(row["as_of"])
        if code not in run.customer_ids:
            run.problem(
                "opening_balances",
                line,
                "customer_code",
                _("Unknown customer “%(value)s”.") % {"value": code},
            )
        if amount is None or amount <= 0:
            run.problem(
                "opening_balances",
                line,
                "amount",
                _("An amount more than 0 with at most 2 decimals."),
            )
        if as_of is None:
            run.problem(
                "opening_balances",
                line,
                "as_of",
                date_problem() % {"value": row["as_of"]},
            )
        if code in seen:
            run.problem(
                "opening_balances", line, "customer_code", _("This customer is in the file twice.")
            )
        seen.add(code)
        run.balances.append((code, amount, as_of))


def write_opening_balances(run: Run) -> None:
    """One receivable per customer (never a second: the same file twice adds nothing),
    posted AR / retained earnings in one journal entry per date."""
    if "opening_balances" not in run.sources:
        return
    done = set(
        Receivable.objects.filter(source_model=OPENING_SOURCE).values_list("source_id", flat=True)
    )
    by_day: dict[date, list[tuple[Customer, Decimal]]] = {}
    for start in range(0, len(run.balances), 1000):
        chunk = run.balances[start : start + 1000]
        customers = Customer.objects.only("pk", "code", "region_id", "owner_id").in_bulk(
            [code for code, _a, _d in chunk], field_name="code"
        )
        for code, amount, as_of in chunk:
            customer = customers[code]
            if customer.pk not in done:
                by_day.setdefault(as_of, []).append((customer, round_amount(amount)))
    count = 0
    for as_of, balances in sorted(by_day.items()):
        Receivable.objects.bulk_create(
            [
                Receivable(
                    customer=customer,
                    owner_id=customer.owner_id,
                    region_id=customer.region_id,
                    source_model=OPENING_SOURCE,
                    source_id=customer.pk,
                    document_number=_("Opening balance"),
                    issued_on=as_of,
                    due_on=as_of,
                    amount=amount,
                )
                for customer, amount in balances
            ],
            batch_size=2000,
        )
        total = sum((amount for _c, amount in balances), Decimal(0))
        journal_post(
            posted_on=as_of,
            source_model="sales.historyimport",
            source_id=run.record.pk,
            source_number=str(run.record),
            memo=_("Opening receivables"),
            lines=[(AR, customer.pk, amount, Decimal(0)) for customer, amount in balances]
            + [(OPENING, None, Decimal(0), total)],
            by=run.by,
        )
        count += len(balances)
    run.counts["opening_balances"] = count
