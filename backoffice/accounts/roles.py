"""Roles in code: role code → the permissions that role has (STYLE §7).

`manage.py sync_roles` (and every `migrate`) makes each role's group hold exactly these
permissions. Domain apps add their codenames here as they arrive. Role codes are stable:
scripts, the API and the demo data refer to them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    permissions: frozenset[str]  # "app_label.codename"; "*" means every permission


READ_ORGANISATION = {
    "accounts.view_region",
    "accounts.view_department",
    "catalog.view_product",
    "catalog.view_productcategory",
    "catalog.view_pricelist",
}
KEEP_CATALOG = {
    "catalog.add_product",
    "catalog.change_product",
    "catalog.add_productcategory",
    "catalog.change_productcategory",
    "catalog.add_pricelist",
    "catalog.change_pricelist",
    "catalog.add_pricelistitem",
    "catalog.change_pricelistitem",
    "catalog.delete_pricelistitem",
    "catalog.view_pricelistitem",
}
SEE_PEOPLE_AND_HISTORY = {"accounts.view_user", "audit.view_auditevent"}

# Customers (DOMAIN §1). Which customers a role sees is decided by view_all_customers /
# view_region_customers / neither (own only); these say what it may do with them.
READ_CUSTOMERS = {
    "parties.view_callrecord",
    "parties.view_visit",
    "parties.view_feedback",
    "parties.view_customer",
    "parties.view_contact",
    "parties.view_deliveryaddress",
    "parties.view_qualification",
    "parties.view_qualificationtype",
}
KEEP_CUSTOMERS = READ_CUSTOMERS | {
    "parties.add_callrecord",
    "parties.change_callrecord",
    "parties.add_visit",
    "parties.change_visit",
    "parties.add_feedback",
    "parties.change_feedback",
    "parties.add_customer",
    "parties.change_customer",
    "parties.add_contact",
    "parties.change_contact",
    "parties.add_deliveryaddress",
    "parties.change_deliveryaddress",
    "parties.add_qualification",
    "parties.change_qualification",
}
SEE_ALL_CUSTOMERS = {"parties.view_all_customers"}

# Sales orders (DOMAIN §4): visibility follows the same all / region / own rule.
READ_ORDERS = {
    "sales.view_salesorder",
    "sales.view_salesorderline",
    "sales.view_delivery",
    "sales.view_deliveryline",
    "sales.view_deliveryextra",
    "sales.view_invoice",
    "sales.view_invoiceline",
    "sales.view_historyorder",  # imported history: the same rule as the orders
}
REQUEST_INVOICES = {
    "sales.add_invoice",
    "sales.change_invoice",
    "sales.add_invoiceline",
    "sales.change_invoiceline",
}
AUDIT_INVOICES = {"sales.review_invoice"}
# The report pack: read the archive; sign off a period; choose who receives it.
READ_PACKS = {"reports.view_reportpack"}
RUN_PACKS = READ_PACKS | {
    "reports.sign_off_reportpack",
    "reports.view_packschedule",
    "reports.change_packschedule",
}
READ_LEDGER = {
    "ledger.view_receipt",
    "ledger.view_receivable",
    "ledger.view_journalentry",
    "ledger.view_journalline",
    "ledger.view_account",
    "ledger.view_receiptallocation",
}
SEE_ALL_RECEIPTS = {"ledger.view_all_receipts"}
SEE_GENERAL_LEDGER = {"ledger.view_general_ledger"}
KEEP_RECEIPTS = {"ledger.add_receipt", "ledger.add_receiptallocation"}
ISSUE_INVOICES = {"sales.issue_invoice"}
KEEP_DELIVERIES = {
    "sales.add_delivery",
    "sales.change_delivery",
    "sales.add_deliveryline",
    "sales.change_deliveryline",
    "sales.add_deliveryextra",
    "sales.change_deliveryextra",
}
KEEP_ORDERS = READ_ORDERS | {
    "sales.add_salesorder",
    "sales.change_salesorder",
    "sales.add_salesorderline",
    "sales.change_salesorderline",
    "sales.delete_salesorderline",
}
SEE_ALL_ORDERS = {"sales.view_all_orders"}
AUDIT_ORDERS = {"sales.review_order"}
RELEASE_DELIVERIES = {"sales.review_delivery"}
OVERRIDE_ORDERS = {"sales.override_order_block"}
SEE_REVIEWS = {"reviews.view_reviewrequest"}
READ_CONTRACTS = {
    "contracts.view_contract",
    "contracts.view_contractline",
    "contracts.view_contractmilestone",
    "contracts.view_contracttemplate",
}
KEEP_CONTRACTS = READ_CONTRACTS | {
    "contracts.add_contract",
    "contracts.change_contract",
    "contracts.add_contractline",
    "contracts.change_contractline",
    "contracts.delete_contractline",
    "contracts.add_contractmilestone",
    "contracts.change_contractmilestone",
    "contracts.delete_contractmilestone",
}
KEEP_TEMPLATES = {
    "contracts.add_contracttemplate",
    "contracts.change_contracttemplate",
}
SEE_ALL_CONTRACTS = {"contracts.view_all_contracts"}
REVIEW_CONTRACTS = {"contracts.review_contract"}
SIGN_CONTRACTS = {"contracts.sign_contract"}
READ_PAYABLES = {
    "ledger.view_supplierinvoice",
    "ledger.view_supplierpayment",
    "ledger.view_paymentallocation",
}
KEEP_PAYABLES = READ_PAYABLES | {
    "ledger.add_supplierinvoice",
    "ledger.add_supplierpayment",
    "ledger.keep_payables",
}

ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role(
            "rep",
            _("Sales rep"),
            frozenset(
                READ_ORGANISATION | KEEP_CUSTOMERS | KEEP_ORDERS | READ_LEDGER | KEEP_CONTRACTS
            ),
        ),
        Role(
            "clerk",
            _("Back-office clerk"),
            frozenset(
                READ_ORGANISATION
                | SEE_PEOPLE_AND_HISTORY
                | KEEP_CUSTOMERS
                | SEE_ALL_CUSTOMERS
                | SEE_REVIEWS
                | KEEP_CATALOG
                | {"parties.review_qualification"}
                | KEEP_ORDERS
                | SEE_ALL_ORDERS
                | AUDIT_ORDERS
                | KEEP_DELIVERIES
                | RELEASE_DELIVERIES
                | REQUEST_INVOICES
                | AUDIT_INVOICES
                | READ_LEDGER
                | SEE_ALL_RECEIPTS
                | KEEP_CONTRACTS
                | KEEP_TEMPLATES
                | SEE_ALL_CONTRACTS
                | SIGN_CONTRACTS
                | READ_PAYABLES
            ),
        ),
        Role(
            "sales_manager",
            _("Sales manager"),
            frozenset(
                READ_ORGANISATION
                | SEE_PEOPLE_AND_HISTORY
                | KEEP_CUSTOMERS
                | SEE_ALL_CUSTOMERS
                | SEE_REVIEWS
                | KEEP_CATALOG
                | KEEP_ORDERS
                | SEE_ALL_ORDERS
                | AUDIT_ORDERS
                | OVERRIDE_ORDERS
                | READ_LEDGER
                | SEE_ALL_RECEIPTS
                | KEEP_CONTRACTS
                | SEE_ALL_CONTRACTS
                | REVIEW_CONTRACTS
                | SIGN_CONTRACTS
                | RUN_PACKS
            ),
        ),
        Role(
            "regional_manager",
            _("Regional manager"),
            frozenset(
                READ_ORGANISATION
                | SEE_PEOPLE_AND_HISTORY
                | KEEP_CUSTOMERS
                | {"parties.view_region_customers"}
                | READ_ORDERS
                | {"sales.view_region_orders"}
                | READ_LEDGER
                | {"ledger.view_region_receipts"}
                | READ_CONTRACTS
                | {"contracts.view_region_contracts"}
            ),
        ),
        Role(
            "general_manager",
            _("General manager"),
            frozenset(
                READ_ORGANISATION
                | SEE_PEOPLE_AND_HISTORY
                | READ_CUSTOMERS
                | SEE_ALL_CUSTOMERS
                | SEE_REVIEWS
                | READ_ORDERS
                | SEE_ALL_ORDERS
                | AUDIT_ORDERS
                | OVERRIDE_ORDERS
                | READ_LEDGER
                | SEE_ALL_RECEIPTS
                | READ_CONTRACTS
                | SEE_ALL_CONTRACTS
                | REVIEW_CONTRACTS
                | READ_PAYABLES
                | SEE_GENERAL_LEDGER
                | RUN_PACKS
            ),
        ),
        Role(
            "finance",
            _("Finance"),
            frozenset(
                READ_ORGANISATION
                | SEE_PEOPLE_AND_HISTORY
                | READ_CUSTOMERS
                | SEE_ALL_CUSTOMERS
                | READ_ORDERS
                | SEE_ALL_ORDERS
                | REQUEST_INVOICES
                | AUDIT_INVOICES
                | ISSUE_INVOICES
                | READ_LEDGER
                | SEE_ALL_RECEIPTS
                | KEEP_RECEIPTS
                | SEE_GENERAL_LEDGER
                | READ_CONTRACTS
                | SEE_ALL_CONTRACTS
                | KEEP_PAYABLES
                | READ_PACKS
            ),
        ),
        Role(
            "warehouse",
            _("Warehouse / logistics"),
            frozenset(
                READ_ORGANISATION
                | SEE_ALL_CUSTOMERS
                | {"parties.view_customer", "parties.view_deliveryaddress", "parties.view_contact"}
                | READ_ORDERS
                | SEE_ALL_ORDERS
                | KEEP_DELIVERIES
            ),
        ),
        Role("admin", _("Administrator"), frozenset({"*"})),
    ]
}


def role_label(code: str) -> str:
    role = ROLES.get(code)
    return str(role.label) if role else code
