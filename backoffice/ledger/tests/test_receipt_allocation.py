"""A receipt allocated from rows of the customer's open invoices, the oldest proposed first;
its credit (what it left unallocated) applied later on its page and through the API."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Sum
from django.utils import timezone

from backoffice.core.exceptions import NotAllowed, ValidationFailed
from backoffice.ledger.exceptions import OverAllocation
from backoffice.ledger.forms import oldest_first
from backoffice.ledger.models import JournalEntry, JournalLine, Receipt, Receivable
from backoffice.ledger.selectors import open_receivables, receivable_for_source
from backoffice.ledger.services import receipt_allocate, receipt_create, receivable_from_invoice
from backoffice.parties.services import customer_create

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _invoice(customer, owner, number: str, issued_on: date, amount: str, by) -> Receivable:
    gross = Decimal(amount)
    return receivable_from_invoice(
        source_model="tests.invoice",
        source_id=int(number.rsplit("-", 1)[1]),
        document_number=number,
        customer=customer,
        owner_id=owner.pk,
        region_id=customer.region_id,
        issued_on=issued_on,
        gross_amount=gross,
        net_amount=(gross / Decimal("1.13")).quantize(Decimal("0.01")),
        tax_amount=gross - (gross / Decimal("1.13")).quantize(Decimal("0.01")),
        by=by,
    )


@pytest.fixture
def pharmacy(rep_wang, region_north):
    return customer_create(by=rep_wang, name="北京同仁堂药店", kind="pharmacy", region=region_north)


@pytest.fixture
def invoices(pharmacy, rep_wang, finance):
    """Three open invoices, created out of order: due 1 Sep (100), 1 Oct (200), 1 Nov (300)."""
    today = timezone.localdate()
    terms = timedelta(days=pharmacy.payment_terms_days)
    base = today - timedelta(days=120)
    middle = _invoice(pharmacy, rep_wang, "INV-2", base + timedelta(days=30), "200.00", finance)
    newest = _invoice(pharmacy, rep_wang, "INV-3", base + timedelta(days=60), "300.00", finance)
    oldest = _invoice(pharmacy, rep_wang, "INV-1", base, "100.00", finance)
    assert oldest.due_on == base + terms
    return [oldest, middle, newest]


def _values(html: str) -> dict[str, str]:
    """The amount-to-allocate inputs of a page: field name -> value."""
    found = {}
    for tag in re.findall(r"<input[^>]*name=\"allocate_\d+\"[^>]*>", html):
        name = re.search(r'name="(allocate_\d+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        found[name] = value.group(1) if value else ""
    return found


def _trial_balance():
    totals = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or 0) - (totals["c"] or 0)


def test_the_proposal_fills_the_oldest_first_and_never_more_than_each_open_amount():
    amounts = [Decimal("100.00"), Decimal("200.00"), Decimal("300.00")]
    assert oldest_first(amounts, Decimal("250.00")) == [Decimal("100.00"), Decimal("150.00"), 0]
    assert oldest_first(amounts, Decimal("900.00")) == amounts
    assert oldest_first(amounts, Decimal("-5")) == [0, 0, 0]


@pytest.mark.django_db
def test_the_receipt_page_lists_the_open_invoices_oldest_due_first_with_the_amount_proposed(
    client, finance, pharmacy, invoices
):
    oldest, middle, newest = invoices
    client.force_login(finance)
    page = client.get(f"/ledger/receipt/add/?customer={pharmacy.pk}&amount=250", **ZH)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("INV-1") < html.index("INV-2") < html.index("INV-3")
    assert _values(html) == {
        f"allocate_{oldest.pk}": "100.00",
        f"allocate_{middle.pk}": "150.00",
        f"allocate_{newest.pk}": "",
    }
    assert "未收金额" in html and "分配金额" in html
    assert "收款方式" in html and "发货方式" not in html
    # Without a customer chosen, the page says what comes.
    assert 'data-testid="choose-customer"' in client.get("/ledger/receipt/add/").content.decode()


@pytest.mark.django_db
def test_a_receipt_is_saved_with_the_amounts_of_its_rows_and_the_rest_kept_as_credit(
    client, finance, pharmacy, invoices
):
    oldest, middle, newest = invoices
    client.force_login(finance)
    response = client.post(
        "/ledger/receipt/add/",
        {
            "customer": pharmacy.pk,
            "received_on": timezone.localdate().isoformat(),
            "amount": "400.00",
            "method": "bank",
            f"allocate_{oldest.pk}": "100.00",
            f"allocate_{middle.pk}": "",
            f"allocate_{newest.pk}": "250.00",
        },
    )
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert receipt.allocated_amount == Decimal("350.00")
    assert {r.document_number: r.allocated_amount for r in Receivable.objects.all()} == {
        "INV-1": Decimal("100.00"),
        "INV-2": Decimal("0.00"),
        "INV-3": Decimal("250.00"),
    }
    entry = JournalEntry.objects.get(source_model="ledger.receipt", source_id=receipt.pk)
    assert {line.account.code: (line.debit, line.credit) for line in entry.lines.all()} == {
        "1002": (Decimal("400.00"), Decimal("0.00")),
        "1122": (Decimal("0.00"), Decimal("350.00")),
        "2203": (Decimal("0.00"), Decimal("50.00")),
    }
    assert list(open_receivables(pharmacy)) == [middle, newest]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ({"oldest": "-10.00"}, "分配金额不能为负数。"),
        ({"oldest": "120.00"}, "发票 INV-1 的未收金额只有 100.00。"),
        ({"oldest": "100.00", "middle": "200.00"}, "超出了本收款可分配的 250.00。"),
        ({"oldest": "abc"}, "输入一个数字。"),
    ],
)
def test_a_bad_row_comes_back_beside_its_field_in_chinese_and_nothing_is_saved(
    client, finance, pharmacy, invoices, rows, error
):
    by_name = dict(zip(["oldest", "middle", "newest"], invoices, strict=True))
    client.force_login(finance)
    response = client.post(
        "/ledger/receipt/add/",
        {
            "customer": pharmacy.pk,
            "received_on": timezone.localdate().isoformat(),
            "amount": "250.00",
            "method": "bank",
            **{f"allocate_{by_name[key].pk}": value for key, value in rows.items()},
        },
        **ZH,
    )
    html = response.content.decode()
    assert response.status_code == 200
    row_html = html[html.index('data-testid="allocation-rows"') :]
    assert error in row_html
    assert not Receipt.objects.exists()
    assert not JournalEntry.objects.filter(source_model="ledger.receipt").exists()
    assert not Receivable.objects.filter(allocated_amount__gt=0).exists()


@pytest.mark.django_db
def test_an_invoice_settled_meanwhile_keeps_its_row_and_is_refused_beside_it(
    client, finance, pharmacy, invoices
):
    oldest = invoices[0]
    receipt_create(
        customer=pharmacy,
        by=finance,
        amount="100.00",
        received_on=timezone.localdate(),
        allocations=[{"receivable": oldest, "amount": "100.00"}],
    )
    client.force_login(finance)
    response = client.post(
        "/ledger/receipt/add/",
        {
            "customer": pharmacy.pk,
            "received_on": timezone.localdate().isoformat(),
            "amount": "100.00",
            "method": "bank",
            f"allocate_{oldest.pk}": "100.00",
        },
        **ZH,
    )
    assert response.status_code == 200
    assert "发票 INV-1 的未收金额只有 0.00。" in response.content.decode()
    assert Receipt.objects.count() == 1


@pytest.mark.django_db
def test_credit_is_applied_later_on_the_receipt_page(client, finance, pharmacy, invoices):
    oldest, middle, newest = invoices
    receipt = receipt_create(
        customer=pharmacy,
        by=finance,
        amount="500.00",
        received_on=timezone.localdate() - timedelta(days=3),
        allocations=[{"receivable": oldest, "amount": "100.00"}],
    )
    client.force_login(finance)
    page = client.get(f"/ledger/receipt/{receipt.pk}/change/", **ZH).content.decode()
    step = page[page.index('data-testid="step-allocate"') :]
    assert "分配余额" in step
    # INV-1 is settled; the 400.00 left goes to INV-2 and then INV-3.
    assert "INV-1" not in step
    assert _values(step) == {f"allocate_{middle.pk}": "200.00", f"allocate_{newest.pk}": "200.00"}

    response = client.post(
        f"/ledger/receipt/{receipt.pk}/step/allocate/",
        {
            f"allocate_{middle.pk}": "200.00",
            f"allocate_{newest.pk}": "150.00",
            "allocated_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.allocated_amount == Decimal("450.00")
    middle.refresh_from_db()
    newest.refresh_from_db()
    assert (middle.open_amount, newest.open_amount) == (Decimal("0.00"), Decimal("150.00"))
    later = JournalEntry.objects.filter(source_model="ledger.receipt").latest("id")
    assert later.posted_on == timezone.localdate()
    assert {line.account.code: (line.debit, line.credit) for line in later.lines.all()} == {
        "2203": (Decimal("350.00"), Decimal("0.00")),
        "1122": (Decimal("0.00"), Decimal("350.00")),
    }
    assert _trial_balance() == 0
    # 50.00 is still credit: the step stays, proposing it to INV-3.
    page = client.get(f"/ledger/receipt/{receipt.pk}/change/").content.decode()
    assert _values(page[page.index('data-testid="step-allocate"') :]) == {
        f"allocate_{newest.pk}": "50.00"
    }


@pytest.mark.django_db
def test_applying_more_than_the_credit_is_refused_beside_the_row(
    client, finance, pharmacy, invoices
):
    _oldest, middle, newest = invoices
    receipt = receipt_create(
        customer=pharmacy, by=finance, amount="250.00", received_on=timezone.localdate()
    )
    client.force_login(finance)
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/ledger/receipt/{receipt.pk}/step/allocate/",
        {
            f"allocate_{middle.pk}": "200.00",
            f"allocate_{newest.pk}": "100.00",
            "allocated_on": today,
        },
        **ZH,
    )
    assert response.status_code == 400
    assert "超出了本收款可分配的 250.00。" in response.content.decode()
    nothing = client.post(
        f"/ledger/receipt/{receipt.pk}/step/allocate/", {"allocated_on": today}, **ZH
    )
    assert nothing.status_code == 400
    assert "请至少为一张发票填写分配金额。" in nothing.content.decode()
    receipt.refresh_from_db()
    assert receipt.allocated_amount == 0
    assert JournalEntry.objects.filter(source_model="ledger.receipt").count() == 1


@pytest.mark.django_db
def test_the_allocate_service_checks_the_credit_the_invoice_and_the_permission(
    finance, clerk, pharmacy, invoices, rep_li, region_east
):
    oldest, middle, _newest = invoices
    today = timezone.localdate()
    receipt = receipt_create(
        customer=pharmacy, by=finance, amount="150.00", received_on=timezone.localdate()
    )
    with pytest.raises(NotAllowed):
        receipt_allocate(
            receipt=receipt,
            allocated_on=today,
            by=clerk,
            allocations=[{"receivable": oldest, "amount": "10"}],
        )
    with pytest.raises(OverAllocation):  # beyond the credit
        receipt_allocate(
            receipt=receipt,
            allocated_on=today,
            by=finance,
            allocations=[
                {"receivable": oldest, "amount": "100.00"},
                {"receivable": middle, "amount": "60.00"},
            ],
        )
    with pytest.raises(OverAllocation):  # beyond what the invoice has open
        receipt_allocate(
            receipt=receipt,
            allocated_on=today,
            by=finance,
            allocations=[{"receivable": oldest, "amount": "120.00"}],
        )
    other = customer_create(by=rep_li, name="上海药房", kind="pharmacy", region=region_east)
    theirs = _invoice(other, rep_li, "INV-9", timezone.localdate(), "50.00", finance)
    with pytest.raises(ValidationFailed):  # another customer's invoice
        receipt_allocate(
            receipt=receipt,
            allocated_on=today,
            by=finance,
            allocations=[{"receivable": theirs, "amount": "50.00"}],
        )
    receipt.refresh_from_db()
    assert receipt.allocated_amount == 0
    assert not Receivable.objects.filter(allocated_amount__gt=0).exists()


@pytest.mark.django_db
def test_credit_is_applied_later_through_the_api(api, finance, issued, hospital, rep_wang):
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    receipt = receipt_create(
        customer=hospital, by=finance, amount="300.00", received_on=date(2026, 10, 20)
    )
    url = f"/api/v1/ledger/receipts/{receipt.pk}/allocations/"
    api.force_authenticate(rep_wang)  # may see the receipt, may not allocate
    body = {"allocations": [{"invoice": issued.pk, "amount": "244.32"}]}
    assert api.post(url, body, format="json").status_code == 403
    api.force_authenticate(finance)
    assert api.post(url, {"allocations": []}, format="json").status_code == 400
    assert (
        api.post(
            url, {"allocations": [{"invoice": 999999, "amount": "1.00"}]}, format="json"
        ).status_code
        == 400
    )
    done = api.post(url, body, format="json")
    assert done.status_code == 200 and done.json()["allocated_amount"] == "244.32"
    receivable.refresh_from_db()
    assert receivable.open_amount == 0
    again = api.post(
        url, {"allocations": [{"invoice": issued.pk, "amount": "1.00"}]}, format="json"
    )
    assert again.status_code == 409


@pytest.mark.django_db
def test_a_user_of_another_region_sees_none_of_the_customers_invoices_in_the_rows(
    client, pharmacy, invoices, region_east
):
    from backoffice.accounts.services import user_create

    # An east-region user allowed to enter receipts, for the east's customers only.
    cashier = user_create(username="cashier_east", role="rep", region_codes=["east"])
    cashier.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_receipt", "add_receiptallocation"])
    )
    client.force_login(cashier)
    page = client.get(f"/ledger/receipt/add/?customer={pharmacy.pk}&amount=100")
    html = page.content.decode()
    assert page.status_code == 200
    assert "INV-1" not in html and _values(html) == {}
    refused = client.post(
        "/ledger/receipt/add/",
        {
            "customer": pharmacy.pk,
            "received_on": timezone.localdate().isoformat(),
            "amount": "100.00",
            "method": "bank",
            f"allocate_{invoices[0].pk}": "100.00",
        },
    )
    assert refused.status_code == 200 and not Receipt.objects.exists()
    assert not Receivable.objects.filter(allocated_amount__gt=0).exists()


@pytest.mark.django_db
def test_the_receipts_with_credit_are_listed_and_linked_from_the_statement(
    client, finance, clerk, pharmacy, invoices
):
    with_credit = receipt_create(
        customer=pharmacy,
        by=finance,
        amount="130.00",
        received_on=timezone.localdate(),
        allocations=[{"receivable": invoices[0], "amount": "100.00"}],
    )
    spent = receipt_create(
        customer=pharmacy,
        by=finance,
        amount="200.00",
        received_on=timezone.localdate(),
        allocations=[{"receivable": invoices[1], "amount": "200.00"}],
    )
    client.force_login(finance)
    statement = client.get(f"/statements/{pharmacy.pk}/", **ZH).content.decode()
    assert "未分配的收款余额：30.00" in statement
    link = re.search(r'href="([^"]+)" data-testid="credit-receipts"', statement).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert with_credit.number in listed and spent.number not in listed
    # A clerk reads the statement and the receipts, but applies nothing.
    client.force_login(clerk)
    assert "分配到发票" not in client.get(f"/statements/{pharmacy.pk}/", **ZH).content.decode()
    page = client.get(f"/ledger/receipt/{with_credit.pk}/change/").content.decode()
    assert 'data-testid="step-allocate"' not in page


@pytest.mark.django_db
def test_a_reversed_invoice_offers_only_what_its_red_letter_left_open(
    client, issued, hospital, finance, clerk, third_clerk
):
    from backoffice.sales.tests.red_letters import red_letter

    first = issued.lines.order_by("order_line__line_no").first()
    red_letter(
        invoice=issued,
        by=finance,
        reviewers=(clerk, third_clerk),
        invoice_number="87654321",
        issued_on=date(2026, 11, 5),
        reason="部分冲红",
        lines=[{"order_line": first.order_line_id, "quantity": "2"}],
    )
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    assert 0 < receivable.open_amount < Decimal("244.32")
    client.force_login(finance)
    html = client.get(f"/ledger/receipt/add/?customer={hospital.pk}&amount=1000").content.decode()
    # The red letter itself is no row; the invoice offers only what it still has open.
    assert _values(html) == {f"allocate_{receivable.pk}": f"{receivable.open_amount:f}"}
    refused = client.post(
        "/ledger/receipt/add/",
        {
            "customer": hospital.pk,
            "received_on": "2026-11-20",
            "amount": "1000.00",
            "method": "bank",
            f"allocate_{receivable.pk}": "244.32",
        },
    )
    assert refused.status_code == 200 and not Receipt.objects.exists()
