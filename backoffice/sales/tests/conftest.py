from datetime import date
from decimal import Decimal

import pytest

from backoffice.catalog.services import product_save
from backoffice.parties.services import (
    customer_create,
    customer_update,
    qualification_create,
    qualification_submit,
)
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide


@pytest.fixture
def products(clerk):
    return [
        product_save(by=clerk, code="P0001", name="阿莫西林胶囊", list_price=Decimal("18.50")),
        product_save(by=clerk, code="P0002", name="布洛芬缓释胶囊", list_price=Decimal("33.33")),
    ]


@pytest.fixture
def second_clerk(db):
    from backoffice.accounts.services import user_create

    return user_create(username="clerk2", role="clerk", full_name="周敏")


@pytest.fixture
def hospital(rep_wang, region_north, clerk, second_clerk):
    """An active hospital with a verified business licence: trade is allowed."""
    from backoffice.parties.models import QualificationType

    customer = customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north)
    customer = customer_update(customer=customer, by=rep_wang, status="active")
    paper = qualification_create(
        customer=customer,
        by=rep_wang,
        qualification_type=QualificationType.objects.get(code="business_licence"),
        number="1",
        valid_from=date(2020, 1, 1),
        valid_to=date(2099, 1, 1),
        scan=pdf_upload(),
    )
    qualification_submit(qualification=paper, by=rep_wang)
    for reviewer in (clerk, second_clerk):
        review_decide(request=review_request_for(paper), by=reviewer, verdict="approve")
    return customer


@pytest.fixture
def third_clerk(db):
    from backoffice.accounts.services import user_create

    return user_create(username="clerk3", role="clerk", full_name="吴芳")


@pytest.fixture
def delivered(hospital, clerk, second_clerk, third_clerk, products):
    """An order of 10 + 4, of which 6 + 4 are delivered."""
    from backoffice.sales.services import (
        delivery_create,
        delivery_submit,
        order_create,
        order_submit,
    )

    order = order_create(
        customer=hospital,
        by=clerk,
        lines=[
            {"product": products[0], "quantity": "10"},
            {"product": products[1], "quantity": "4"},
        ],
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    first, second = order.lines.order_by("line_no")
    delivery = delivery_create(
        order=order,
        by=clerk,
        lines=[
            {"order_line": first, "quantity": "6"},
            {"order_line": second, "quantity": "4"},
        ],
    )
    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in (second_clerk, third_clerk):
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    order.refresh_from_db()
    return order


@pytest.fixture
def issued(delivered, clerk, second_clerk, finance):
    """The delivered order of the sales fixtures, invoiced (244.32) and issued on 1 Oct."""
    from backoffice.sales.services import invoice_issue, invoice_request_create, invoice_submit

    invoice = invoice_request_create(order=delivered, by=clerk)
    invoice_submit(invoice=invoice, by=clerk)
    for reviewer in (second_clerk, finance):
        review_decide(request=review_request_for(invoice), by=reviewer, verdict="approve")
    invoice.refresh_from_db()
    return invoice_issue(
        invoice=invoice, by=finance, invoice_number="12345678", issued_on=date(2026, 10, 1)
    )
