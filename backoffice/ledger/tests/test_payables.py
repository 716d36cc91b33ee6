"""Payables: supplier invoices on purchase contracts and the payments that settle them, posted
to the same ledger and allocated by the same service as receipts."""

from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.core.exceptions import NotAllowed, ValidationFailed
from backoffice.ledger.exceptions import OverAllocation
from backoffice.ledger.models import JournalLine, SupplierInvoice
from backoffice.ledger.services import supplier_invoice_create, supplier_payment_create
from backoffice.parties.services import customer_create
from backoffice.sales.performance import contract_performance

TODAY = timezone.localdate()


def _invoice(contract, by, number="22223333", gross="1130.00", tax="130.00"):
    return supplier_invoice_create(
        contract=contract,
        by=by,
        vat_invoice_number=number,
        issued_on=TODAY,
        gross_amount=gross,
        tax_amount=tax,
    )


@pytest.mark.django_db
def test_payables_post_to_the_same_ledger(purchase_contract, finance):
    invoice = _invoice(purchase_contract, finance)
    lines = JournalLine.objects.filter(entry__source_model="ledger.supplierinvoice")
    assert {(line.account.code, line.debit, line.credit) for line in lines} == {
        ("1405", Decimal("1000.00"), Decimal("0.00")),
        ("22210101", Decimal("130.00"), Decimal("0.00")),
        ("2202", Decimal("0.00"), Decimal("1130.00")),
    }
    supplier = purchase_contract.counterparty
    with pytest.raises(OverAllocation) as error:
        supplier_payment_create(
            supplier=supplier, by=finance, amount="2000.00", paid_on=TODAY,
            allocations=[{"invoice": invoice, "amount": "1500.00"}],
        )  # fmt: skip
    assert (error.value.status, error.value.code) == (409, "over_allocation")
    assert "1130.00 outstanding" in str(error.value.message)
    supplier_payment_create(
        supplier=supplier, by=finance, amount="1200.00", paid_on=TODAY,
        allocations=[{"invoice": invoice, "amount": "1130.00"}],
    )  # fmt: skip
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("1130.00")
    totals = JournalLine.objects.values_list("debit", "credit")
    assert sum(d for d, _c in totals) == sum(c for _d, c in totals)
    ap = JournalLine.objects.filter(account__code="2202", customer=supplier)
    assert sum(line.credit - line.debit for line in ap) == 0
    performance = contract_performance(purchase_contract)
    assert performance.total.amount["invoiced"] == performance.total.amount["paid"]
    assert performance.fulfilled
    with pytest.raises(ValidationFailed):  # beyond the contract amount
        _invoice(purchase_contract, finance, number="22224444", gross="1.00", tax="0.10")


@pytest.mark.django_db
def test_the_contracts_rules_bind_a_supplier_invoice(purchase_contract, finance, clerk, rep_wang):
    from backoffice.contracts.services import contract_create

    sales = contract_create(
        kind="sales",
        counterparty=purchase_contract.counterparty,
        by=clerk,
        title="not a purchase",
        starts_on=TODAY,
        ends_on=TODAY,
        lines=[{"description": "x", "amount": "10.00"}],
    )
    with pytest.raises(ValidationFailed) as error:
        _invoice(sales, finance)
    assert list(error.value.extra["fields"]) == ["contract"]
    with pytest.raises(NotAllowed):  # a rep does not keep payables
        _invoice(purchase_contract, rep_wang)
    assert not SupplierInvoice.objects.exists()


@pytest.mark.django_db
def test_payments_and_receipts_refuse_alike(purchase_contract, open_receivable, finance, clerk):
    """The same errors, in the same shape, on both sides of the ledger."""
    from backoffice.ledger.services import receipt_create

    invoice = _invoice(purchase_contract, finance)
    other = customer_create(
        by=clerk, name="另一家", kind="supplier", region=invoice.contract.region
    )
    pay = {"by": finance, "paid_on": TODAY}
    receive = {"by": finance, "received_on": TODAY}
    with pytest.raises(ValidationFailed) as paying:
        supplier_payment_create(
            supplier=other, amount="10.00", allocations=[{"invoice": invoice, "amount": "5"}], **pay
        )
    with pytest.raises(ValidationFailed) as receiving:
        receipt_create(
            customer=purchase_contract.counterparty,
            amount="10.00",
            allocations=[{"receivable": open_receivable, "amount": "5"}],
            **receive,
        )
    assert paying.value.extra == {
        "fields": {"allocations": {"1": {"invoice": ["not an open invoice of this supplier"]}}}
    }
    assert receiving.value.extra == {
        "fields": {"allocations": {"1": {"receivable": ["not an open invoice of this customer"]}}}
    }
    sides = [
        (supplier_payment_create, "invoice", invoice, {"supplier": invoice.supplier, **pay}),
        (receipt_create, "receivable", open_receivable,
         {"customer": open_receivable.customer, **receive}),
    ]  # fmt: skip
    for call, key, item, party in sides:
        with pytest.raises(ValidationFailed) as error:
            call(amount="10.00", allocations=[{key: item, "amount": "0"}], **party)
        assert error.value.extra == {
            "fields": {"allocations": {"1": {"amount": ["must be more than 0"]}}}
        }
        with pytest.raises(OverAllocation) as error:
            call(amount="10.00", allocations=[{key: item, "amount": "10.01"}], **party)
        assert error.value.code == "over_allocation"
        assert "10.01 would be allocated" in str(error.value.message)
        half = (item.open_amount if key == "receivable" else item.gross_amount) * 6 / 10
        with pytest.raises(OverAllocation) as error:  # the same item twice, beyond what is open
            call(
                amount="2000.00",
                allocations=[{key: item, "amount": str(half)}, {key: item, "amount": str(half)}],
                **party,
            )
        assert "outstanding" in str(error.value.message)


@pytest.mark.django_db
def test_the_payables_api(api, purchase_contract, finance, rep_li):
    api.force_authenticate(finance)
    created = api.post(
        "/api/v1/ledger/supplier-invoices/",
        {
            "contract": purchase_contract.pk,
            "vat_invoice_number": "22223333",
            "issued_on": TODAY.isoformat(),
            "gross_amount": "1130.00",
            "tax_amount": "130.00",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    invoice = created.json()["id"]
    listed = api.get(f"/api/v1/ledger/supplier-invoices/?contract={purchase_contract.pk}")
    assert [row["id"] for row in listed.json()["results"]] == [invoice]
    payment = {
        "supplier": purchase_contract.counterparty_id,
        "paid_on": TODAY.isoformat(),
        "amount": "1200.00",
        "allocations": [{"invoice": invoice, "amount": "1200.00"}],
    }
    over = api.post("/api/v1/ledger/supplier-payments/", payment, format="json")
    assert (over.status_code, over.json()["code"]) == (409, "over_allocation")
    payment["allocations"][0]["amount"] = "1130.00"
    assert api.post("/api/v1/ledger/supplier-payments/", payment, format="json").status_code == 201
    assert len(api.get("/api/v1/ledger/supplier-payments/").json()["results"]) == 1
    assert api.get("/api/v1/contracts/supplier-invoices/").status_code == 404
    api.force_authenticate(rep_li)  # may not see the contract, nor keep payables
    assert api.get("/api/v1/ledger/supplier-invoices/").status_code == 403
