"""The documents a pharmaceutical company sends (issue 14 §5): the ship-to address chosen on
the delivery, the batches recorded when the goods ship, invoice requests of chosen lines and
of several orders of one customer, and the prints that show them under the letterhead."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.core.exceptions import ValidationFailed
from backoffice.parties.services import address_create
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.exceptions import (
    AddressOfAnotherCustomer,
    OrdersOfSeveralCustomers,
    OverInvoicing,
)
from backoffice.sales.models import Delivery, Invoice
from backoffice.sales.services import (
    delivery_create,
    delivery_ship,
    delivery_submit,
    invoice_request_create,
    order_create,
    order_submit,
)
from backoffice.sales.tests.factories import SalesOrderFactory, batch_rows


def _released(order, clerk, reviewers, quantities, **kwargs) -> Delivery:
    lines = [
        {"order_line": line, "quantity": quantity}
        for line, quantity in zip(order.lines.order_by("line_no"), quantities, strict=True)
        if quantity != "0"
    ]
    delivery = delivery_create(order=order, by=clerk, lines=lines, **kwargs)
    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in reviewers:
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    delivery.refresh_from_db()
    return delivery


def _approved_order(customer, clerk, auditor, products, quantities):
    order = order_create(
        customer=customer,
        by=clerk,
        lines=[
            {"product": product, "quantity": quantity}
            for product, quantity in zip(products, quantities, strict=True)
        ],
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=auditor, verdict="approve")
    order.refresh_from_db()
    return order


@pytest.fixture
def addresses(hospital, clerk):
    warehouse = address_create(
        customer=hospital,
        by=clerk,
        label="仓库",
        recipient="王主任",
        phone="13800000001",
        address="北京市东城区大华路1号",
        is_default=True,
    )
    pharmacy = address_create(
        customer=hospital,
        by=clerk,
        label="门诊药房",
        recipient="李药师",
        phone="13800000002",
        address="北京市东城区大华路1号门诊楼",
    )
    return warehouse, pharmacy


# --- ship-to address --------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_delivery_goes_to_the_customers_default_address_unless_another_is_chosen(
    delivered, addresses, clerk
):
    warehouse, pharmacy = addresses
    line = delivered.lines.get(line_no=1)
    default = delivery_create(
        order=delivered, by=clerk, lines=[{"order_line": line, "quantity": "1"}]
    )
    assert default.ship_to == warehouse and default.ship_to_recipient == "王主任"
    chosen = delivery_create(
        order=delivered, by=clerk, lines=[{"order_line": line, "quantity": "1"}], address=pharmacy
    )
    assert (chosen.ship_to, chosen.ship_to_address) == (pharmacy, "北京市东城区大华路1号门诊楼")


@pytest.mark.django_db
def test_the_address_of_another_customer_is_refused(delivered, addresses, clerk, rep_wang):
    from backoffice.parties.services import customer_create

    other = customer_create(
        by=rep_wang, name="另一家医院", kind="hospital", region=delivered.region
    )
    elsewhere = address_create(
        customer=other, by=rep_wang, recipient="赵", phone="1", address="天津市和平区"
    )
    line = delivered.lines.get(line_no=1)
    for bad in (elsewhere, elsewhere.pk, "x"):
        with pytest.raises(AddressOfAnotherCustomer) as caught:
            delivery_create(
                order=delivered,
                by=clerk,
                lines=[{"order_line": line, "quantity": "1"}],
                address=bad,
            )
        assert caught.value.status == 400 and "address" in caught.value.extra["fields"]
    assert delivered.deliveries.count() == 1  # the fixture's only


@pytest.mark.django_db
def test_the_note_keeps_the_address_the_goods_went_to(delivered, addresses, clerk):
    warehouse, _ = addresses
    line = delivered.lines.get(line_no=1)
    delivery = delivery_create(
        order=delivered, by=clerk, lines=[{"order_line": line, "quantity": "1"}]
    )
    warehouse.address = "已搬迁"
    warehouse.save()
    delivery.refresh_from_db()
    assert delivery.ship_to_address == "北京市东城区大华路1号"


# --- batches at shipping ------------------------------------------------------------------------
@pytest.mark.django_db
def test_every_line_needs_its_batch_and_expiry_to_ship(delivered, clerk):
    delivery = delivered.deliveries.get()
    first, second = batch_rows(delivery)
    with pytest.raises(ValidationFailed, match="batch and expiry"):
        delivery_ship(delivery=delivery, by=clerk, tracking_number="SF1")
    with pytest.raises(ValidationFailed, match="batch and expiry"):
        delivery_ship(delivery=delivery, by=clerk, tracking_number="SF1", lines=[first])
    with pytest.raises(ValidationFailed) as no_batch:
        delivery_ship(
            delivery=delivery,
            by=clerk,
            tracking_number="SF1",
            lines=[first, {**second, "batch_number": "  "}],
        )
    assert no_batch.value.extra["fields"]["lines"] == {
        "2": {"batch_number": ["enter the batch number"]}
    }
    with pytest.raises(ValidationFailed) as no_expiry:
        delivery_ship(
            delivery=delivery,
            by=clerk,
            tracking_number="SF1",
            lines=[first, {**second, "expires_on": ""}],
        )
    assert "expires_on" in no_expiry.value.extra["fields"]["lines"]["2"]
    with pytest.raises(ValidationFailed):  # a line of another delivery, or one given twice
        delivery_ship(delivery=delivery, by=clerk, tracking_number="SF1", lines=[first, first])
    delivery.refresh_from_db()
    assert delivery.status == "released"
    assert not delivery.lines.exclude(batch_number="").exists()


@pytest.mark.django_db
def test_goods_past_their_expiry_are_refused_and_today_is_the_last_day(delivered, clerk):
    delivery = delivered.deliveries.get()
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as expired:
        delivery_ship(
            delivery=delivery,
            by=clerk,
            tracking_number="SF1",
            lines=batch_rows(delivery, expires_on=today - timedelta(days=1)),
        )
    assert "expired" in str(expired.value.message)
    shipped = delivery_ship(
        delivery=delivery,
        by=clerk,
        tracking_number="SF1",
        lines=batch_rows(delivery, expires_on=today),
    )
    assert shipped.status == "shipped"


@pytest.mark.django_db
def test_maker_and_approval_number_come_from_the_product_unless_given(delivered, clerk, products):
    from backoffice.catalog.services import product_save

    product_save(
        by=clerk,
        product=products[0],
        manufacturer="华北制药股份有限公司",
        approval_number="国药准字H13023964",
    )
    delivery = delivered.deliveries.get()
    first, second = batch_rows(delivery)
    second.update(manufacturer="另一家药厂", approval_number="国药准字H00000001")
    delivery_ship(delivery=delivery, by=clerk, tracking_number="SF1", lines=[first, second])
    recorded = {
        line.order_line.product_id: (
            line.batch_number,
            line.manufacturer,
            line.approval_number,
        )
        for line in delivery.lines.select_related("order_line")
    }
    assert recorded[products[0].pk][1:] == ("华北制药股份有限公司", "国药准字H13023964")
    assert recorded[products[1].pk][1:] == ("另一家药厂", "国药准字H00000001")
    assert recorded[products[0].pk][0] == first["batch_number"]


# --- invoice requests of chosen lines, of several orders ------------------------------------
@pytest.mark.django_db
def test_a_request_of_some_lines_and_part_of_a_quantity(delivered, clerk):
    first = delivered.lines.get(line_no=1)
    invoice = invoice_request_create(
        order=delivered, by=clerk, lines=[{"order_line": first, "quantity": "2.5"}]
    )
    assert [(line.order_line_id, line.quantity) for line in invoice.lines.all()] == [
        (first.pk, Decimal("2.500"))
    ]
    assert invoice.gross_amount == Decimal("46.25")
    rest = invoice_request_create(order=delivered, by=clerk)  # what remains, held excluded
    assert sorted(line.quantity for line in rest.lines.all()) == [
        Decimal("3.500"),
        Decimal("4.000"),
    ]


@pytest.mark.django_db
def test_two_orders_of_one_customer_merge_into_one_request(
    delivered, hospital, clerk, second_clerk, third_clerk, products
):
    second_order = _approved_order(hospital, clerk, second_clerk, products, ["5", "5"])
    _released(second_order, clerk, (second_clerk, third_clerk), ["5", "2"])
    own_first = delivered.lines.get(line_no=1)
    other_second = second_order.lines.get(line_no=2)
    invoice = invoice_request_create(
        order=delivered,
        by=clerk,
        orders=[second_order],
        lines=[
            {"order_line": own_first, "quantity": "6"},
            {"order_line": other_second, "quantity": "2"},
        ],
    )
    assert invoice.order == delivered
    assert {line.order_line.order_id for line in invoice.lines.all()} == {
        delivered.pk,
        second_order.pk,
    }
    assert invoice.gross_amount == Decimal("111.00") + Decimal("66.66")
    everything = invoice_request_create(order=second_order, by=clerk, orders=[delivered])
    assert sorted(
        (line.order_line.order_id, line.quantity) for line in everything.lines.all()
    ) == sorted([(second_order.pk, Decimal("5.000")), (delivered.pk, Decimal("4.000"))])


@pytest.mark.django_db
def test_orders_of_two_customers_are_refused_in_one_request(delivered, clerk):
    stranger = SalesOrderFactory()
    with pytest.raises(OrdersOfSeveralCustomers) as caught:
        invoice_request_create(
            order=delivered,
            by=clerk,
            orders=[stranger],
            lines=[{"order_line": stranger.lines.first(), "quantity": "1"}],
        )
    assert stranger.customer.name in str(caught.value.message)
    assert caught.value.status == 400
    assert not Invoice.objects.exists()


@pytest.mark.django_db
def test_a_line_of_an_order_not_merged_is_refused(
    delivered, hospital, clerk, second_clerk, products
):
    other = _approved_order(hospital, clerk, second_clerk, products, ["1", "1"])
    with pytest.raises(ValidationFailed, match="not a line of the orders"):
        invoice_request_create(
            order=delivered, by=clerk, lines=[{"order_line": other.lines.first(), "quantity": "1"}]
        )


@pytest.mark.django_db
def test_a_merged_request_never_invoices_beyond_each_lines_delivery_or_order(
    delivered, hospital, clerk, second_clerk, third_clerk, products
):
    second_order = _approved_order(hospital, clerk, second_clerk, products, ["5", "5"])
    _released(second_order, clerk, (second_clerk, third_clerk), ["5", "0"])
    not_delivered = second_order.lines.get(line_no=2)
    with pytest.raises(OverInvoicing, match="delivered"):
        invoice_request_create(
            order=delivered,
            by=clerk,
            orders=[second_order],
            lines=[
                {"order_line": delivered.lines.get(line_no=1), "quantity": "6"},
                {"order_line": not_delivered, "quantity": "1"},
            ],
        )
    with pytest.raises(OverInvoicing, match="left"):
        invoice_request_create(
            order=delivered,
            by=clerk,
            orders=[second_order],
            reason="客户要求先开票",
            lines=[{"order_line": not_delivered, "quantity": "6"}],
        )
    held = invoice_request_create(
        order=delivered,
        by=clerk,
        orders=[second_order],
        lines=[{"order_line": second_order.lines.get(line_no=1), "quantity": "5"}],
    )
    assert held.gross_amount == Decimal("92.50")
    with pytest.raises(OverInvoicing):  # held by the open request
        invoice_request_create(
            order=second_order,
            by=clerk,
            lines=[{"order_line": second_order.lines.get(line_no=1), "quantity": "1"}],
        )


# --- the prints ---------------------------------------------------------------------------------
@pytest.fixture
def company(db):
    from backoffice.core.models import CompanySettings
    from backoffice.core.tests.test_company_settings import png

    company = CompanySettings(
        pk=CompanySettings.SINGLETON_ID,
        legal_name="北京康泰医药有限公司",
        address="北京市朝阳区酒仙桥路10号",
        phone="010-84561234",
        tax_id="91110105MA01ABCD2X",
        bank_name="中国工商银行北京酒仙桥支行",
        bank_account="0200003509200123456",
    )
    company.seal.save("seal.png", png(), save=False)
    company.save()
    return company


@pytest.mark.django_db
def test_the_delivery_note_shows_the_seller_the_batches_prices_and_the_seal(
    client, delivered, addresses, clerk, company
):
    _, pharmacy = addresses
    delivery = delivered.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        ship_to=pharmacy,
        ship_to_address=pharmacy.address,
        ship_to_recipient=pharmacy.recipient,
        ship_to_phone=pharmacy.phone,
    )
    rows = batch_rows(delivery)
    rows[0].update(batch_number="B260118", manufacturer="华北制药股份有限公司")
    delivery_ship(delivery=delivery, by=clerk, tracking_number="SF1", lines=rows)
    client.force_login(clerk)
    note = client.get(f"/sales/delivery/{delivery.pk}/print/").content.decode()
    assert "北京康泰医药有限公司" in note and "税号：91110105MA01ABCD2X" in note
    assert 'data-testid="seal"' in note
    assert "随 货 同 行 单" in note and "北京市东城区大华路1号门诊楼" in note and "李药师" in note
    assert "B260118" in note and "华北制药股份有限公司" in note
    assert str(rows[0]["expires_on"]) in note
    assert ">18.50<" in note and ">111.00<" in note  # unit price and amount of 6 × 18.50
    assert ">244.32<" in note  # the total of the two lines (111.00 + 4 × 33.33)
    pdf = client.get(f"/sales/delivery/{delivery.pk}/print/", {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_merged_request_prints_each_order_and_the_rate_in_percent(
    client, delivered, hospital, clerk, second_clerk, third_clerk, products, company
):
    second_order = _approved_order(hospital, clerk, second_clerk, products, ["5", "5"])
    _released(second_order, clerk, (second_clerk, third_clerk), ["5", "0"])
    invoice = invoice_request_create(order=delivered, by=clerk, orders=[second_order])
    client.force_login(clerk)
    page = client.get(f"/sales/invoice/{invoice.pk}/print/").content.decode()
    assert "北京康泰医药有限公司" in page and 'data-testid="seal"' not in page
    assert f"{delivered.number}、{second_order.number}" in page
    assert page.count(">13%<") == 3 and "0.1300" not in page
