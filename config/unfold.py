"""The staff UI's shell: branding, sidebar, command palette, language switcher.

Each sidebar item carries a permission callback, so a role sees only what it may use.
Domain apps add their groups here as they arrive.
"""

from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


def _perm(codename: str):
    def check(request) -> bool:
        return request.user.has_perm(codename)

    return check


UNFOLD = {
    "SITE_TITLE": _("Back Office"),
    "SITE_HEADER": _("Back Office"),
    "SITE_SUBHEADER": _("Sales back office"),
    "SITE_URL": "/",
    "SITE_SYMBOL": "inventory_2",
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": lambda r: static("favicon.svg")}
    ],
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": True,
    "SHOW_BACK_BUTTON": True,
    "DASHBOARD_CALLBACK": "backoffice.reports.dashboard.dashboard_callback",
    "ENVIRONMENT": "backoffice.reports.dashboard.environment_callback",
    "COMMAND": {"search_models": True, "show_history": True},
    "COLORS": {
        "primary": {
            "50": "oklch(97.1% .013 17.38)",
            "100": "oklch(93.6% .032 17.717)",
            "200": "oklch(88.5% .062 18.334)",
            "300": "oklch(80.8% .114 19.571)",
            "400": "oklch(70.4% .191 22.216)",
            "500": "oklch(63.7% .237 25.331)",
            "600": "oklch(57.7% .245 27.325)",
            "700": "oklch(50.5% .213 27.518)",
            "800": "oklch(44.4% .177 26.899)",
            "900": "oklch(39.6% .141 25.723)",
            "950": "oklch(25.8% .092 26.042)",
        },
    },
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": [
            {
                "title": _("Workspace"),
                "items": [
                    {
                        "title": _("Dashboard"),
                        "icon": "dashboard",
                        "link": reverse_lazy("admin:index"),
                    },
                    {
                        "title": _("My reviews"),
                        "icon": "fact_check",
                        "link": reverse_lazy("admin:reviews_pending"),
                        "badge": "backoffice.reviews.selectors.pending_badge",
                    },
                ],
            },
            {
                "title": _("Sales"),
                "collapsible": True,
                "items": [
                    {
                        "title": _("Sales orders"),
                        "icon": "receipt_long",
                        "link": reverse_lazy("admin:sales_salesorder_changelist"),
                        "permission": _perm("sales.view_salesorder"),
                    },
                    {
                        "title": _("Imported orders"),
                        "icon": "history",
                        "link": reverse_lazy("admin:sales_historyorder_changelist"),
                        "permission": _perm("sales.view_historyorder"),
                    },
                    {
                        "title": _("Deliveries"),
                        "icon": "local_shipping",
                        "link": reverse_lazy("admin:sales_delivery_changelist"),
                        "permission": _perm("sales.view_delivery"),
                    },
                    {
                        "title": _("Invoices"),
                        "icon": "request_quote",
                        "link": reverse_lazy("admin:sales_invoice_changelist"),
                        "permission": _perm("sales.view_invoice"),
                    },
                    {
                        "title": _("Sales statistics"),
                        "icon": "bar_chart",
                        "link": reverse_lazy("report-sales-page"),
                        "permission": _perm("sales.view_salesorder"),
                    },
                    {
                        "title": _("Report packs"),
                        "icon": "folder_zip",
                        "link": reverse_lazy("admin:reports_reportpack_changelist"),
                        "permission": _perm("reports.view_reportpack"),
                    },
                    {
                        "title": _("Report pack recipients"),
                        "icon": "forward_to_inbox",
                        "link": reverse_lazy("admin:reports_packschedule_changelist"),
                        "permission": _perm("reports.change_packschedule"),
                    },
                    {
                        "title": _("Billing statistics"),
                        "icon": "bar_chart",
                        "link": reverse_lazy("report-billing-page"),
                        "permission": _perm("sales.view_invoice"),
                    },
                ],
            },
            {
                "title": _("Contracts"),
                "collapsible": True,
                "items": [
                    {
                        "title": _("Contract ledger"),
                        "icon": "contract",
                        "link": reverse_lazy("admin:contracts_contract_changelist"),
                        "permission": _perm("contracts.view_contract"),
                    },
                    {
                        "title": _("Contract statistics"),
                        "icon": "monitoring",
                        "link": reverse_lazy("report-contracts-page"),
                        "permission": _perm("contracts.view_contract"),
                    },
                    {
                        "title": _("Contract templates"),
                        "icon": "description",
                        "link": reverse_lazy("admin:contracts_contracttemplate_changelist"),
                        "permission": _perm("contracts.change_contracttemplate"),
                    },
                    {
                        "title": _("Supplier invoices"),
                        "icon": "receipt",
                        "link": reverse_lazy("admin:ledger_supplierinvoice_changelist"),
                        "permission": _perm("ledger.view_supplierinvoice"),
                    },
                    {
                        "title": _("Supplier payments"),
                        "icon": "payments",
                        "link": reverse_lazy("admin:ledger_supplierpayment_changelist"),
                        "permission": _perm("ledger.view_supplierpayment"),
                    },
                ],
            },
            {
                "title": _("Receivables"),
                "collapsible": True,
                "items": [
                    {
                        "title": _("Receipts"),
                        "icon": "payments",
                        "link": reverse_lazy("admin:ledger_receipt_changelist"),
                        "permission": _perm("ledger.view_receipt"),
                    },
                    {
                        "title": _("Receivables"),
                        "icon": "account_balance_wallet",
                        "link": reverse_lazy("admin:ledger_receivable_changelist"),
                        "permission": _perm("ledger.view_receivable"),
                    },
                    {
                        "title": _("Receivables aging"),
                        "icon": "hourglass_bottom",
                        "link": reverse_lazy("report-aging-page"),
                        "permission": _perm("ledger.view_receivable"),
                    },
                    {
                        "title": _("General ledger"),
                        "icon": "account_balance",
                        "link": reverse_lazy("report-ledger-page"),
                        "permission": _perm("ledger.view_general_ledger"),
                    },
                    {
                        "title": _("Journal"),
                        "icon": "menu_book",
                        "link": reverse_lazy("admin:ledger_journalentry_changelist"),
                        "permission": _perm("ledger.view_journalentry"),
                    },
                ],
            },
            {
                "title": _("Customers"),
                "collapsible": True,
                "items": [
                    {
                        "title": _("Customers"),
                        "icon": "storefront",
                        "link": reverse_lazy("admin:parties_customer_changelist"),
                        "permission": _perm("parties.view_customer"),
                    },
                    {
                        "title": _("Calls"),
                        "icon": "call",
                        "link": reverse_lazy("admin:parties_callrecord_changelist"),
                        "permission": _perm("parties.view_callrecord"),
                    },
                    {
                        "title": _("Visits"),
                        "icon": "handshake",
                        "link": reverse_lazy("admin:parties_visit_changelist"),
                        "permission": _perm("parties.view_visit"),
                    },
                    {
                        "title": _("Feedback"),
                        "icon": "feedback",
                        "link": reverse_lazy("admin:parties_feedback_changelist"),
                        "permission": _perm("parties.view_feedback"),
                    },
                    {
                        "title": _("Qualification papers"),
                        "icon": "verified_user",
                        "link": reverse_lazy("admin:parties_qualification_changelist"),
                        "permission": _perm("parties.view_qualification"),
                    },
                    {
                        "title": _("Call cadences"),
                        "icon": "event_repeat",
                        "link": reverse_lazy("admin:parties_callcadence_changelist"),
                        "permission": _perm("parties.change_callcadence"),
                    },
                    {
                        "title": _("Qualification types"),
                        "icon": "category",
                        "link": reverse_lazy("admin:parties_qualificationtype_changelist"),
                        "permission": _perm("parties.change_qualificationtype"),
                    },
                ],
            },
            {
                "title": _("Catalog"),
                "collapsible": True,
                "items": [
                    {
                        "title": _("Products"),
                        "icon": "medication",
                        "link": reverse_lazy("admin:catalog_product_changelist"),
                        "permission": _perm("catalog.view_product"),
                    },
                    {
                        "title": _("Price lists"),
                        "icon": "sell",
                        "link": reverse_lazy("admin:catalog_pricelist_changelist"),
                        "permission": _perm("catalog.view_pricelist"),
                    },
                    {
                        "title": _("Product categories"),
                        "icon": "category",
                        "link": reverse_lazy("admin:catalog_productcategory_changelist"),
                        "permission": _perm("catalog.change_productcategory"),
                    },
                ],
            },
            {
                "title": _("Organisation"),
                "collapsible": True,
                "items": [
                    {
                        "title": _("Users"),
                        "icon": "person",
                        "link": reverse_lazy("admin:accounts_user_changelist"),
                        "permission": _perm("accounts.view_user"),
                    },
                    {
                        "title": _("Regions"),
                        "icon": "map",
                        "link": reverse_lazy("admin:accounts_region_changelist"),
                        "permission": _perm("accounts.view_region"),
                    },
                    {
                        "title": _("Departments"),
                        "icon": "apartment",
                        "link": reverse_lazy("admin:accounts_department_changelist"),
                        "permission": _perm("accounts.view_department"),
                    },
                    {
                        "title": _("Roles"),
                        "icon": "badge",
                        "link": reverse_lazy("admin:auth_group_changelist"),
                        "permission": _perm("auth.view_group"),
                    },
                ],
            },
            {
                "title": _("System"),
                "collapsible": True,
                "items": [
                    {
                        "title": _("Audit trail"),
                        "icon": "history",
                        "link": reverse_lazy("admin:audit_auditevent_changelist"),
                        "permission": _perm("audit.view_auditevent"),
                    },
                    {
                        "title": _("Review policies"),
                        "icon": "rule",
                        "link": reverse_lazy("admin:reviews_reviewpolicy_changelist"),
                        "permission": _perm("reviews.change_reviewpolicy"),
                    },
                    {
                        "title": _("All reviews"),
                        "icon": "checklist",
                        "link": reverse_lazy("admin:reviews_reviewrequest_changelist"),
                        "permission": _perm("reviews.view_reviewrequest"),
                        "active": lambda request: (
                            request.path.startswith("/reviews/reviewrequest/")
                            and "/pending/" not in request.path
                        ),
                    },
                    {
                        "title": _("History import"),
                        "icon": "upload_file",
                        "link": reverse_lazy("admin:sales_historyimport_changelist"),
                        "permission": _perm("sales.add_historyimport"),
                    },
                    {
                        "title": _("Background tasks"),
                        "icon": "schedule",
                        "link": reverse_lazy("admin:django_tasks_database_dbtaskresult_changelist"),
                        "permission": _perm("django_tasks_database.view_dbtaskresult"),
                    },
                    {
                        "title": _("API documentation"),
                        "icon": "api",
                        "link": reverse_lazy("api-docs"),
                    },
                ],
            },
        ],
    },
}
