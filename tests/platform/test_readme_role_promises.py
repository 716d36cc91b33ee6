"""What the README promises each role ("works on", in its table of demo logins), checked
against what the role may really do: each promise names the README's words and the
services (or, for rows edited on a page, the permissions) that keep it. A promise changed in
the README without the roles, or the roles without the README, fails here."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from backoffice.accounts.services import user_create
from backoffice.catalog.services import product_save
from backoffice.contracts.services import contract_create, contract_sign
from backoffice.core.access import service_permission
from backoffice.ledger.services import (
    receipt_allocate,
    receipt_create,
    supplier_invoice_create,
    supplier_payment_create,
)
from backoffice.parties.models import CallInventoryLine, CallRecord
from backoffice.parties.services import (
    call_record,
    customer_create,
    feedback_create,
    qualification_create,
    visit_record,
)
from backoffice.reports.services import report_pack_sign_off
from backoffice.sales.services import (
    delivery_create,
    delivery_return,
    delivery_ship,
    delivery_sign,
    invoice_issue,
    invoice_request_create,
    invoice_reverse_request,
    order_create,
    order_override_block,
)

README = Path(__file__).resolve().parents[2] / "README.md"

# The login of the README's table that shows each role.
LOGIN = {
    "rep": "rep_wang",
    "clerk": "clerk",
    "sales_manager": "sales_manager",
    "regional_manager": "manager_north",
    "general_manager": "gm",
    "finance": "finance",
    "warehouse": "warehouse",
    "admin": "admin",
}

STOCK_ROWS = [
    "parties.view_callinventoryline",
    "parties.add_callinventoryline",
    "parties.change_callinventoryline",
    "parties.delete_callinventoryline",
]
PAPERS = [service_permission(qualification_create)]
CALLS_WITH_STOCK = [service_permission(call_record), *STOCK_ROWS]
OVERRIDE = [service_permission(order_override_block), "sales.review_order"]
GENERAL_LEDGER = ["ledger.view_general_ledger"]
REPORT_PACKS = [service_permission(report_pack_sign_off)]
CONTRACT_REVIEW = ["contracts.review_contract"]

# role -> [(the README's words in its row, the permissions that keep them)]
PROMISES = {
    "rep": [
        ("own customers", [service_permission(customer_create)]),
        ("their papers", PAPERS),
        ("calls with the customer's stock", CALLS_WITH_STOCK),
        (
            "visits and feedback",
            [service_permission(visit_record), service_permission(feedback_create)],
        ),
        ("orders", [service_permission(order_create)]),
        ("contracts", [service_permission(contract_create)]),
    ],
    "clerk": [
        ("every customer", ["parties.view_all_customers", service_permission(customer_create)]),
        ("reviews papers", ["parties.review_qualification"]),
        ("calls with the customer's stock", CALLS_WITH_STOCK),
        (
            "orders, deliveries and invoice requests, and their double review",
            [
                service_permission(order_create),
                service_permission(delivery_create),
                service_permission(invoice_request_create),
                "sales.review_order",
                "sales.review_delivery",
                "sales.review_invoice",
            ],
        ),
        ("products and price lists", ["catalog.add_product", "catalog.change_pricelist"]),
    ],
    "sales_manager": [
        ("signs contracts", [service_permission(contract_sign)]),
        ("order audit", ["sales.review_order"]),
        ("overrides a trade block or the credit limit with a reason", OVERRIDE),
        ("contract review", CONTRACT_REVIEW),
        ("price lists", ["catalog.add_pricelist", "catalog.change_pricelist"]),
        ("signs off report packs", REPORT_PACKS),
    ],
    "regional_manager": [
        ("the region's customers", ["parties.view_region_customers"]),
        ("their papers", PAPERS),
        ("calls with the customer's stock", CALLS_WITH_STOCK),
        ("visits", [service_permission(visit_record)]),
    ],
    "general_manager": [
        ("order audit", ["sales.review_order"]),
        ("overrides a trade block or the credit limit with a reason", OVERRIDE),
        ("contract review", CONTRACT_REVIEW),
        ("signs off report packs", REPORT_PACKS),
        ("the general ledger", GENERAL_LEDGER),
    ],
    "finance": [
        ("invoice audit", ["sales.review_invoice"]),
        (
            "issues invoices, asks for red letters",
            [service_permission(invoice_issue), service_permission(invoice_reverse_request)],
        ),
        ("receipts and their allocation", [service_permission(receipt_create)]),
        ("applies a customer's credit later", [service_permission(receipt_allocate)]),
        (
            "supplier invoices and payments",
            [
                service_permission(supplier_invoice_create),
                service_permission(supplier_payment_create),
            ],
        ),
        ("the general ledger", GENERAL_LEDGER),
    ],
    "warehouse": [
        (
            "deliveries: creates, ships, records signing and returns",
            [
                service_permission(delivery_create),
                service_permission(delivery_ship),
                service_permission(delivery_sign),
                service_permission(delivery_return),
            ],
        ),
    ],
    "admin": [
        (
            "everything, including roles, review policies and the history import",
            ["auth.change_group", "reviews.change_reviewpolicy", "sales.add_historyimport"],
        ),
    ],
}

# What a role's row leaves to others, and the role must not do.
NOT_THEIRS = {
    "rep": [service_permission(receipt_create), "sales.review_order", "sales.review_delivery"],
    "clerk": [service_permission(invoice_issue), service_permission(receipt_create)],
    "regional_manager": ["parties.view_all_customers", service_permission(order_override_block)],
    "warehouse": [service_permission(order_create), "sales.review_delivery", *STOCK_ROWS],
    "finance": [service_permission(call_record), service_permission(delivery_ship)],
}


def _readme_rows() -> dict[str, str]:
    """The README's table of demo logins: first login -> the row's text."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([a-z_]+)`", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_the_readme_names_a_login_for_every_role():
    assert set(_readme_rows()) == set(LOGIN.values())


@pytest.mark.parametrize("role", list(LOGIN))
def test_the_readme_row_says_what_the_test_checks(role):
    row = _readme_rows()[LOGIN[role]]
    for words, _permissions in PROMISES[role]:
        assert words in row, f"README no longer promises {words!r} for {role}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(LOGIN))
def test_each_role_may_do_what_the_readme_promises_and_not_what_it_leaves_to_others(role):
    person = user_create(username=f"person_{role}", role=role, region_codes=[])
    for words, permissions in PROMISES[role]:
        missing = [p for p in permissions if not person.has_perm(p)]
        assert missing == [], f"{role} is promised {words!r} but lacks {missing}"
    held = [p for p in NOT_THEIRS.get(role, []) if person.has_perm(p)]
    assert held == [], f"{role} holds {held}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["rep", "clerk"])
def test_reps_and_clerks_record_a_call_with_the_customers_stock_on_its_page(
    client, role, rep_wang, clerk, region_north
):
    person = {"rep": rep_wang, "clerk": clerk}[role]
    customer = customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north)
    product = product_save(by=clerk, code="P0001", name="阿莫西林胶囊", list_price="18.50")
    client.force_login(person)
    page = client.get("/parties/callrecord/add/").content.decode()
    assert 'name="inventory-TOTAL_FORMS"' in page  # the stock rows are offered
    now = timezone.localtime()
    response = client.post(
        "/parties/callrecord/add/",
        {
            "customer": customer.pk,
            "called_at_0": now.date().isoformat(),
            "called_at_1": now.strftime("%H:%M:%S"),
            "business_status": "库存偏低",
            "inventory-TOTAL_FORMS": "1",
            "inventory-INITIAL_FORMS": "0",
            "inventory-MIN_NUM_FORMS": "0",
            "inventory-MAX_NUM_FORMS": "1000",
            "inventory-0-product": product.pk,
            "inventory-0-quantity": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    call = CallRecord.objects.get()
    assert call.caller == person
    assert [(line.product, line.quantity) for line in CallInventoryLine.objects.all()] == [
        (product, 12)
    ]
