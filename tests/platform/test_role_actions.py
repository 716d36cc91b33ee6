"""The role × action table (accounts/actions.py, README "Separation of duties"): for every
role and action, the service is tried as a person of that role, and allowed or refused as
the table says (issue 15 §3, §20)."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from backoffice.accounts.actions import ROLE_ACTIONS
from backoffice.accounts.roles import ROLES
from backoffice.accounts.services import user_create
from backoffice.contracts.services import (
    contract_create,
    contract_sign,
    contract_submit,
    contract_terminate,
)
from backoffice.core.exceptions import NotAllowed
from backoffice.expenses.services import (
    application_cancel_request,
    application_create,
    application_override,
    application_submit,
)
from backoffice.expenses.tests.factories import ExpenseCategoryFactory
from backoffice.parties.services import customer_terms_change_request, customer_update
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.services import (
    invoice_reverse_request,
    order_cancel_request,
    order_create,
    order_submit,
)


class _Rollback(Exception):
    pass


def _tried(action) -> bool:
    """True when the service let the person through; nothing of it stays."""
    try:
        with transaction.atomic():
            action()
            raise _Rollback
    except _Rollback:
        return True
    except NotAllowed:
        return False


def test_the_table_names_only_known_roles():
    for roles in ROLE_ACTIONS.values():
        assert roles <= ROLES.keys()


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_may_do_what_the_table_says(
    role, hospital, rep_wang, clerk, second_clerk, products, region_north, issued
):
    person = (
        rep_wang
        if role == "rep"
        else user_create(
            username=f"t_{role}", role=role, region_codes=["north"], full_name=f"测试{role}"
        )
    )
    order = order_create(
        customer=hospital, by=rep_wang, lines=[{"product": products[0], "quantity": "1"}]
    )
    order_submit(order=order, by=rep_wang)
    review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    manager = user_create(username="t_signer", role="sales_manager", full_name="签约经理")
    today = timezone.localdate()
    contract = contract_create(
        kind="sales",
        counterparty=hospital,
        by=rep_wang,
        title="年度供货",
        starts_on=today,
        ends_on=today + timedelta(days=300),
        lines=[{"product": products[0], "quantity": "10"}],
    )
    contract_submit(contract=contract, by=rep_wang)
    review_decide(request=review_request_for(contract), by=manager, verdict="approve")
    contract.refresh_from_db()
    terms = customer_terms_change_request(customer=hospital, by=clerk, credit_limit="900")
    conference = ExpenseCategoryFactory(code="CONF")
    general = user_create(username="t_gm", role="general_manager", full_name="总经理")
    draft, granted = (
        application_create(
            by=rep_wang,
            region=region_north,
            category=conference,
            amount="3000",
            purpose="科室会",
            planned_on=today,
        )
        for _ in range(2)
    )
    application_override(application=granted, by=general, reason="无预算，特批")
    application_submit(application=granted, by=rep_wang)
    review_decide(request=review_request_for(granted), by=manager, verdict="approve")

    actions = {
        "change_customer_terms": lambda: customer_update(
            customer=hospital, by=person, payment_terms_days=45
        ),
        "review_customer_terms": lambda: review_decide(
            request=review_request_for(terms), by=person, verdict="approve"
        ),
        "ask_order_cancellation": lambda: order_cancel_request(
            order=order, by=person, reason="客户取消"
        ),
        "ask_contract_end": lambda: contract_terminate(
            contract=contract_sign(
                contract=contract, by=manager, signed_on=today, scan=pdf_upload()
            ),
            by=person,
            reason="协商终止",
        ),
        "ask_expense_cancellation": lambda: application_cancel_request(
            application=granted, by=person, reason="会议取消"
        ),
        "override_budget": lambda: application_override(
            application=draft, by=person, reason="新品上市"
        ),
        "sign_contract": lambda: contract_sign(
            contract=contract, by=person, signed_on=today, scan=pdf_upload()
        ),
        "ask_red_letter": lambda: invoice_reverse_request(
            invoice=issued,
            by=person,
            invoice_number="87654321",
            issued_on=date(2026, 10, 5),
            reason="抬头开错",
        ),
    }
    actions |= _stock_and_mail_actions(person, rep_wang, clerk, manager)
    assert set(actions) == set(ROLE_ACTIONS)
    done = {name for name, action in actions.items() if _tried(action)}
    expected = {name for name, roles in ROLE_ACTIONS.items() if role in roles}
    assert done == expected


def _stock_and_mail_actions(person, rep, clerk, manager) -> dict:
    """An issue of brochures in review (asked by a rep), a stocktake in review (counted by a
    clerk), a carrier's bill uploaded (by a clerk)."""
    from decimal import Decimal

    from backoffice.materials.services import (
        issue_create,
        issue_submit,
        item_save,
        location_create,
        receipt_create,
        stocktake_count,
        stocktake_start,
        stocktake_submit,
    )
    from backoffice.office.models import Carrier
    from backoffice.office.services import bill_settle, bill_upload

    brochure = item_save(by=clerk, code="RA-BR", name="角色彩页", kind="brochure", unit="份")
    warehouse, office = (
        location_create(by=clerk, code=code, name=name, kind="warehouse")
        for code, name in (("RA-WH", "角色仓"), ("RA-OF", "角色办公室"))
    )
    for where in (warehouse, office):
        receipt_create(
            by=clerk,
            location=where,
            lines=[{"item": brochure, "quantity": Decimal(10), "unit_cost": Decimal(1)}],
        )
    issue = issue_create(
        by=rep, location=warehouse, purpose="internal", lines=[{"item": brochure, "quantity": "1"}]
    )
    issue_submit(issue=issue, by=rep)
    stocktake = stocktake_start(by=clerk, location=office)
    stocktake_count(
        stocktake=stocktake, by=clerk, counts=[{"item": brochure, "batch": "", "counted": "9"}]
    )
    stocktake_submit(stocktake=stocktake, by=clerk)
    carrier = Carrier.objects.create(code="RA", name="角色快递", status="approved")
    bill, _changed = bill_upload(
        by=clerk,
        carrier=carrier,
        month=date(2026, 10, 1),
        content="运单号,费用\nRA1,12.00\n".encode(),
        filename="bill.csv",
    )
    return {
        "review_material_issue": lambda: review_decide(
            request=review_request_for(issue), by=person, verdict="approve"
        ),
        "approve_stocktake": lambda: review_decide(
            request=review_request_for(stocktake), by=person, verdict="approve"
        ),
        "settle_carrier_bill": lambda: bill_settle(bill=bill, by=person),
    }
