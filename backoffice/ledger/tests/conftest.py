from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.accounts.services import user_create
from backoffice.contracts.services import contract_create, contract_sign, contract_submit
from backoffice.ledger.services import receivable_from_invoice
from backoffice.parties.services import customer_create
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide


@pytest.fixture
def sales_manager(db):
    return user_create(username="smgr", role="sales_manager", full_name="赵经理")


@pytest.fixture
def purchase_contract(clerk, region_north, sales_manager):
    """A purchase contract in force for 1,130.00 with a supplier."""
    today = timezone.localdate()
    supplier = customer_create(by=clerk, name="华北制药", kind="supplier", region=region_north)
    contract = contract_create(
        kind="purchase",
        counterparty=supplier,
        by=clerk,
        title="原料采购",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=100),
        lines=[{"description": "原料药一批", "amount": "1130.00"}],
    )
    contract_submit(contract=contract, by=clerk)
    review_decide(request=review_request_for(contract), by=sales_manager, verdict="approve")
    contract.refresh_from_db()
    return contract_sign(contract=contract, by=sales_manager, signed_on=today, scan=pdf_upload())


@pytest.fixture
def open_receivable(rep_wang, region_north, finance):
    """A customer's receivable of 200.00 for an invoice the ledger knows only by label."""
    customer = customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north)
    return receivable_from_invoice(
        source_model="tests.invoice",
        source_id=1,
        document_number="INV-1",
        customer=customer,
        owner_id=rep_wang.pk,
        region_id=region_north.pk,
        issued_on=timezone.localdate(),
        gross_amount=Decimal("200.00"),
        net_amount=Decimal("176.99"),
        tax_amount=Decimal("23.01"),
        by=finance,
    )
