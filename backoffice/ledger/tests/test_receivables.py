"""Receivables, receipts and their allocation, statements, aging and the general ledger,
built on an issued sales invoice."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from backoffice.ledger.exceptions import OverAllocation
from backoffice.ledger.models import JournalEntry, JournalLine
from backoffice.ledger.selectors import aging, customer_statement, receivable_for_source
from backoffice.ledger.services import receipt_create

ISSUED = date(2026, 10, 1)


def _trial_balance():
    totals = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or 0) - (totals["c"] or 0)


@pytest.mark.django_db
def test_receipts_are_allocated_never_beyond_what_is_outstanding(issued, hospital, finance):
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    with pytest.raises(OverAllocation):
        receipt_create(
            customer=hospital,
            by=finance,
            amount="300.00",
            received_on=date(2026, 10, 20),
            allocations=[{"receivable": receivable, "amount": "300.00"}],
        )
    with pytest.raises(OverAllocation):  # more allocated than received
        receipt_create(
            customer=hospital,
            by=finance,
            amount="100.00",
            received_on=date(2026, 10, 20),
            allocations=[{"receivable": receivable, "amount": "200.00"}],
        )
    receipt = receipt_create(
        customer=hospital,
        by=finance,
        amount="300.00",
        received_on=date(2026, 10, 20),
        allocations=[{"receivable": receivable, "amount": "244.32"}],
    )
    assert receipt.allocated_amount == Decimal("244.32")
    entry = JournalEntry.objects.get(source_model="ledger.receipt", source_id=receipt.pk)
    assert {line.account.code: (line.debit, line.credit) for line in entry.lines.all()} == {
        "1002": (Decimal("300.00"), Decimal("0.00")),
        "1122": (Decimal("0.00"), Decimal("244.32")),
        "2203": (Decimal("0.00"), Decimal("55.68")),  # the remainder is the customer's credit
    }
    assert _trial_balance() == 0


@pytest.mark.django_db
def test_statement_opening_movements_closing(issued, hospital, finance):
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    receipt_create(
        customer=hospital,
        by=finance,
        amount="100.00",
        received_on=date(2026, 11, 5),
        allocations=[{"receivable": receivable, "amount": "100.00"}],
    )
    october = customer_statement(
        customer=hospital, date_from=date(2026, 10, 1), date_to=date(2026, 10, 31)
    )
    assert (october["opening"], october["closing"]) == (Decimal("0.00"), Decimal("244.32"))
    november = customer_statement(
        customer=hospital, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)
    )
    assert november["opening"] == Decimal("244.32")
    assert [line["credit"] for line in november["lines"]] == [Decimal("100.00")]
    assert november["closing"] == Decimal("144.32")


@pytest.mark.django_db
def test_aging_by_days_past_due(issued, hospital, finance):
    from backoffice.parties.models import Customer

    customers = Customer.objects.all()
    due = ISSUED + timedelta(days=hospital.payment_terms_days)
    rows, _totals = aging(as_of=due + timedelta(days=45), customers=customers)
    assert [row.buckets["31-60"] for row in rows] == [Decimal("244.32")]
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    receipt_create(
        customer=hospital,
        by=finance,
        amount="44.32",
        received_on=due + timedelta(days=50),
        allocations=[{"receivable": receivable, "amount": "44.32"}],
    )
    _, later = aging(as_of=due + timedelta(days=200), customers=customers)
    assert later["180+"] == Decimal("200.00")
    _, before_payment = aging(as_of=due + timedelta(days=45), customers=customers)
    assert before_payment["31-60"] == Decimal("244.32")  # the receipt came later


@pytest.mark.django_db
def test_receipts_statement_and_aging_through_the_api(
    api, issued, hospital, finance, rep_li, rep_wang
):
    api.force_authenticate(finance)
    over = api.post(
        "/api/v1/ledger/receipts/",
        {
            "customer": hospital.pk,
            "amount": "500.00",
            "received_on": "2026-10-20",
            "allocations": [{"invoice": issued.pk, "amount": "300.00"}],
        },
        format="json",
    )
    assert (over.status_code, over.json()["code"]) == (409, "over_allocation")
    created = api.post(
        "/api/v1/ledger/receipts/",
        {
            "customer": hospital.pk,
            "amount": "100.00",
            "received_on": "2026-10-20",
            "method": "bank",
            "bank_reference": "CMB20261020001",
            "allocations": [{"invoice": issued.pk, "amount": "100.00"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    statement = api.get(
        f"/api/v1/ledger/customers/{hospital.pk}/statement/",
        {"date_from": "2026-10-01", "date_to": "2026-10-31"},
    ).json()
    assert (statement["opening"], statement["closing"]) == ("0.00", "144.32")
    report = api.get("/api/v1/ledger/aging/", {"as_of": "2026-12-31"}).json()
    assert report["totals"]["total"] == "144.32"
    api.force_authenticate(rep_li)
    assert (
        api.get("/api/v1/ledger/aging/", {"as_of": "2026-12-31"}).json()["totals"]["total"] == "0"
    )
    assert api.get(f"/api/v1/ledger/customers/{hospital.pk}/statement/").status_code == 404
    api.force_authenticate(rep_wang)
    assert (
        api.post(
            "/api/v1/ledger/receipts/",
            {"customer": hospital.pk, "amount": "1", "received_on": "2026-10-20"},
            format="json",
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_receipt_entry_in_the_staff_ui(client, issued, hospital, finance, rep_li):
    from backoffice.ledger.models import Receipt

    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    client.force_login(finance)
    bad = client.post(
        "/ledger/receipt/add/",
        {
            "customer": hospital.pk,
            "received_on": "2026-10-20",
            "amount": "100.00",
            "method": "bank",
            f"allocate_{receivable.pk}": "300.00",
        },
    )
    assert bad.status_code == 200 and "outstanding" in bad.content.decode()
    assert not Receipt.objects.exists()
    ok = client.post(
        "/ledger/receipt/add/",
        {
            "customer": hospital.pk,
            "received_on": "2026-10-20",
            "amount": "100.00",
            "method": "bank",
            "bank_reference": "CMB001",
            f"allocate_{receivable.pk}": "100.00",
        },
    )
    assert ok.status_code == 302
    receipt = Receipt.objects.get()
    assert receipt.allocated_amount == Decimal("100.00") and receipt.number.startswith("RC-")
    client.force_login(rep_li)
    assert "12345678" not in client.get("/ledger/receivable/").content.decode()


@pytest.mark.django_db
def test_the_statement_prints_for_the_customer(client, issued, hospital, clerk, rep_li):
    client.force_login(clerk)
    assert (
        'data-testid="statement-link"'
        in client.get(f"/parties/customer/{hospital.pk}/change/").content.decode()
    )
    page = client.get(
        f"/statements/{hospital.pk}/", {"date_from": "2026-01-01", "date_to": "2026-12-31"}
    )
    body = page.content.decode()
    assert "客 户 对 账 单" in body and "244.32" in body and "贰佰肆拾肆元叁角贰分" in body
    pdf = client.get(f"/statements/{hospital.pk}/", {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    client.force_login(rep_li)
    assert client.get(f"/statements/{hospital.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_receipt_prints(client, issued, hospital, finance):
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    receipt = receipt_create(
        customer=hospital,
        by=finance,
        amount="300.00",
        received_on=date(2026, 10, 20),
        allocations=[{"receivable": receivable, "amount": "244.32"}],
    )
    client.force_login(finance)
    page = client.get(f"/ledger/receipt/{receipt.pk}/print/").content.decode()
    assert "收 款 单" in page and "叁佰元整" in page and "55.68" in page
    assert client.get(f"/ledger/receipt/{receipt.pk}/print/", {"format": "pdf"}).content.startswith(
        b"%PDF"
    )


@pytest.mark.django_db
def test_general_ledger_balances_and_is_for_finance(issued, finance, rep_wang, api, client):
    from backoffice.ledger.selectors import general_ledger

    rows, totals = general_ledger(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31))
    by_code = {row["account"]: row for row in rows}
    assert by_code["1122"]["debit"] == Decimal("244.32")
    assert by_code["1122"]["opening"] == 0
    assert by_code["6001"]["credit"] + by_code["22210106"]["credit"] == Decimal("244.32")
    assert totals["debit"] == totals["credit"]
    assert totals["closing"] == 0
    later, _t = general_ledger(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert {r["account"]: r for r in later}["1122"]["opening"] == Decimal("244.32")
    api.force_authenticate(rep_wang)
    assert api.get("/api/v1/ledger/general/").status_code == 403
    api.force_authenticate(finance)
    body = api.get("/api/v1/ledger/general/?date_from=2026-10-01&date_to=2026-10-31").json()
    assert body["totals"]["debit"] == body["totals"]["credit"] == "244.32"
    client.force_login(finance)
    page = client.get("/reports/ledger/?date_from=2026-10-01&date_to=2026-10-31")
    assert page.status_code == 200 and "应收账款" in page.content.decode()
    assert client.get("/reports/ledger/?format=xlsx").status_code == 200
