import pytest

from backoffice.sales.models import SalesOrder


def _inline(prefix="lines", rows=()):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


@pytest.mark.django_db
def test_a_clerk_enters_an_order_with_lines_in_the_admin(client, clerk, hospital, products):
    client.force_login(clerk)
    response = client.post(
        "/sales/salesorder/add/",
        {
            "customer": hospital.pk,
            "ordered_on": "2026-11-20",
            "note": "加急",
            **_inline(
                rows=[
                    {"product": products[0].pk, "quantity": "10", "unit_price": ""},
                    {"product": products[1].pk, "quantity": "1", "unit_price": "", "is_gift": "on"},
                ]
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    order = SalesOrder.objects.get()
    assert order.gross_amount.to_eng_string() == "185.00"
    assert order.lines.count() == 2


@pytest.mark.django_db
def test_a_bad_line_is_shown_on_the_form_and_nothing_is_saved(client, clerk, hospital, products):
    client.force_login(clerk)
    response = client.post(
        "/sales/salesorder/add/",
        {
            "customer": hospital.pk,
            "ordered_on": "2026-11-20",
            **_inline(rows=[{"product": products[0].pk, "quantity": "1", "unit_price": "0"}]),
        },
    )
    assert response.status_code == 200
    assert "unless the line is a gift" in response.content.decode()
    assert not SalesOrder.objects.exists()


@pytest.mark.django_db
def test_outbound_order_prints_in_chinese_as_html_and_pdf(
    client, clerk, second_clerk, hospital, products
):
    from backoffice.reviews.selectors import review_request_for
    from backoffice.reviews.services import review_decide
    from backoffice.sales.services import order_create, order_submit

    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "10"}]
    )
    client.force_login(clerk)
    draft = client.get(f"/sales/salesorder/{order.pk}/print/").content.decode()
    assert "订 单 草 稿" in draft and "未审核" in draft
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    page = client.get(f"/sales/salesorder/{order.pk}/print/").content.decode()
    assert "出 库 单" in page and "壹佰捌拾伍元整" in page and "北京医院" in page
    pdf = client.get(f"/sales/salesorder/{order.pk}/print/", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    fonts = _pdf_fonts(pdf.content)
    assert b"Noto-Sans-CJK-SC" in fonts or b"WenQuanYi" in fonts  # Chinese, not boxes


def _pdf_fonts(content: bytes) -> bytes:
    """The PDF's font names, from its (compressed) object streams."""
    import re
    import zlib

    found = b""
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            found += zlib.decompress(stream)
        except zlib.error:
            continue
    return b" ".join(re.findall(rb"/FontName\s*/([^\s/]+)", found + content))


@pytest.mark.django_db
def test_the_order_page_lists_its_deliveries_invoices_and_receipts(client, issued, finance):
    from datetime import date

    from backoffice.ledger.selectors import receivable_for_source
    from backoffice.ledger.services import receipt_create

    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    receipt = receipt_create(
        customer=issued.customer,
        by=finance,
        amount="100.00",
        received_on=date(2026, 10, 20),
        allocations=[{"receivable": receivable, "amount": "100.00"}],
    )
    client.force_login(finance)
    page = client.get(f"/sales/salesorder/{issued.order_id}/change/").content.decode()
    for key in ("deliveries", "invoices", "receipts"):
        assert f'data-testid="order-{key}"' in page
    delivery = issued.order.deliveries.get()
    assert f'href="/sales/delivery/{delivery.pk}/change/">{delivery.number}</a>' in page
    assert f'href="/sales/invoice/{issued.pk}/change/">12345678</a>' in page
    assert f'href="/ledger/receipt/{receipt.pk}/change/">{receipt.number}</a>' in page
    assert "2026-10-20" in page and "244.32" in page and "100.00" in page
