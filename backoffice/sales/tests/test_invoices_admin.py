import pytest

from backoffice.reviews.models import ReversalRequest
from backoffice.sales.models import Invoice


def _approve_red_letter(client, invoice, asker, *reviewers):
    """The asked red letter of `invoice`, approved on its page by `reviewers`, not its asker."""
    asked = ReversalRequest.objects.get(object_id=invoice.pk, status="in_review")
    assert asked.requested_by == asker and asked.action == "sales.invoice.red_letter"
    reds = Invoice.objects.filter(kind="red").count()
    client.force_login(asker)
    client.post(f"/reviews/reversalrequest/{asked.pk}/review/", {"verdict": "approve"})
    assert Invoice.objects.filter(kind="red").count() == reds  # not by its asker
    for reviewer in reviewers:
        client.force_login(reviewer)
        page = client.get(f"/reviews/reversalrequest/{asked.pk}/change/")
        assert page.status_code == 200
        shown = page.content.decode()  # what is asked, by names: no codes, no Python reprs
        assert "order_line" not in shown and f"{invoice.order.number} · 1 · " in shown
        client.post(f"/reviews/reversalrequest/{asked.pk}/review/", {"verdict": "approve"})
    asked.refresh_from_db()
    assert asked.status == "done"
    client.force_login(asker)


@pytest.mark.django_db
def test_request_audit_issue_and_reverse_in_the_staff_ui(
    client, delivered, clerk, second_clerk, finance
):
    client.force_login(clerk)
    page = client.get(f"/sales/salesorder/{delivered.pk}/change/").content.decode()
    assert 'data-testid="step-invoice"' in page
    first, second = delivered.lines.order_by("line_no")
    assert f'name="qty_{first.pk}" value="6"' in page  # what is delivered, to start with
    step = f"/sales/salesorder/{delivered.pk}/step/invoice/"
    nothing = client.post(step, {"invoice_type": "ordinary"})
    assert nothing.status_code == 400 and not Invoice.objects.exists()
    response = client.post(
        step, {f"qty_{first.pk}": "6", f"qty_{second.pk}": "4", "invoice_type": "ordinary"}
    )
    invoice = Invoice.objects.get()
    assert response["Location"] == f"/sales/invoice/{invoice.pk}/change/"
    client.post(f"/sales/invoice/{invoice.pk}/submit/")
    for reviewer in (second_clerk, finance):
        client.force_login(reviewer)
        client.post(f"/sales/invoice/{invoice.pk}/review/", {"verdict": "approve"})
    invoice.refresh_from_db()
    assert invoice.status == "approved"
    client.force_login(clerk)
    assert (
        'data-testid="step-issue"'
        not in client.get(f"/sales/invoice/{invoice.pk}/change/").content.decode()
    )
    client.force_login(finance)
    assert (
        'data-testid="step-issue"'
        in client.get(f"/sales/invoice/{invoice.pk}/change/").content.decode()
    )
    missing_date = client.post(
        f"/sales/invoice/{invoice.pk}/step/issue/",
        {"invoice_number": "12345678", "invoice_code": "1100233130", "invoice_type": "ordinary"},
    )
    assert missing_date.status_code == 400
    no_code = client.post(
        f"/sales/invoice/{invoice.pk}/step/issue/",
        {"invoice_number": "12345678", "issued_on": "2026-11-30", "invoice_type": "ordinary"},
    )
    assert no_code.status_code == 400 and "10 or 12 digits" in no_code.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == "approved"
    client.post(
        f"/sales/invoice/{invoice.pk}/step/issue/",
        {
            "invoice_code": "1100233130",
            "invoice_number": "12345678",
            "issued_on": "2026-11-30",
            "invoice_type": "ordinary",
        },
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.invoice_type) == ("issued", "ordinary")
    assert invoice.vat_invoice_code == "1100233130"
    page = client.get(f"/sales/invoice/{invoice.pk}/change/").content.decode()
    assert f'name="qty_{first.pk}" value="6"' in page  # the whole invoice, to start with
    reverse_step = f"/sales/invoice/{invoice.pk}/step/reverse/"
    red_letter = {"invoice_number": "87654321", "issued_on": "2026-12-01", "reason": "抬头错误"}
    nothing = client.post(reverse_step, {**red_letter, f"qty_{first.pk}": "0"})
    assert nothing.status_code == 400 and not Invoice.objects.filter(kind="red").exists()
    too_much = client.post(reverse_step, {**red_letter, f"qty_{first.pk}": "7"}, follow=True)
    assert "Line 1: between 0 and 6" in " ".join(map(str, too_much.context["messages"]))
    assert not Invoice.objects.filter(kind="red").exists()
    # A partial red letter: 2 of the 6 of the first line, asked for by finance and issued
    # once two others approve it in the review queue (issue 15 §20).
    response = client.post(reverse_step, {**red_letter, f"qty_{first.pk}": "2"})
    assert response.status_code == 302 and not Invoice.objects.filter(kind="red").exists()
    _approve_red_letter(client, invoice, finance, clerk, second_clerk)
    red = Invoice.objects.get(kind="red")
    assert [(line.order_line_id, line.quantity) for line in red.lines.all()] == [(first.pk, -2)]
    assert red.gross_amount.to_eng_string() == "-37.00"
    red_page = client.get(f"/sales/invoice/{red.pk}/change/").content.decode()
    assert 'data-testid="review-panel"' not in red_page  # a red letter is not reviewed
    assert "Reason for the red letter" in red_page and "抬头错误" in red_page
    # What is left can be reversed later: 4 and 4, to start with; then all of it.
    page = client.get(f"/sales/invoice/{invoice.pk}/change/").content.decode()
    assert f'name="qty_{first.pk}" value="4"' in page
    assert f'name="qty_{second.pk}" value="4"' in page
    client.post(
        reverse_step,
        {
            **red_letter,
            "invoice_number": "87654322",
            f"qty_{first.pk}": "4",
            f"qty_{second.pk}": "4",
        },
    )
    _approve_red_letter(client, invoice, finance, clerk, second_clerk)
    assert Invoice.objects.filter(kind="red").count() == 2
    page = client.get(f"/sales/invoice/{invoice.pk}/change/").content.decode()
    assert 'data-testid="step-reverse"' not in page  # nothing is left to reverse


@pytest.mark.django_db
def test_the_invoice_request_prints_for_the_tax_clerk(client, issued, finance):
    client.force_login(finance)
    page = client.get(f"/sales/invoice/{issued.pk}/print/").content.decode()
    assert "开 票 申 请 单" in page and "12345678" in page and "北京医院" in page
    assert "发票代码：011002600111" in page
    assert ">13%<" in page and "0.1300" not in page  # the tax rate as a person writes it
    pdf = client.get(f"/sales/invoice/{issued.pk}/print/", {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
