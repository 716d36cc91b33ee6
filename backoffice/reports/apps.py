from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# The report pack: read the archive; sign off a period; choose who receives it.
READ_PACKS = {"reports.view_reportpack"}
RUN_PACKS = READ_PACKS | {
    "reports.sign_off_reportpack",
    "reports.view_packschedule",
    "reports.change_packschedule",
}


def _receivables_overdue_count(user) -> int:
    """Overdue invoices of the customers the user sees (the dashboard's tiles count them
    too, and hand their count to the to-do)."""
    from django.utils import timezone

    from backoffice.ledger.selectors import receivables_overdue
    from backoffice.parties.selectors import customer_visible_to

    return receivables_overdue(customer_visible_to(user), today=timezone.localdate()).count()


class ReportsConfig(AppConfig):
    name = "backoffice.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from backoffice.core.access import register_global
        from backoffice.core.grants import grant
        from backoffice.core.jobs import register_daily_job
        from backoffice.core.navigation import register_nav_item
        from backoffice.core.todos import register_todo
        from backoffice.reports.customer_tabs import register_customer_tabs
        from backoffice.reports.models import PackSchedule, ReportPack
        from backoffice.reports.services import report_packs_run
        from backoffice.reports.trends import register_trends

        register_customer_tabs()  # the customer page's orders, deliveries, invoices…
        register_trends()  # the lists' sales trend, the customer file's chart
        # The report packs are the company's documents (their permission says who reads them).
        register_global(PackSchedule, ReportPack)

        # last: the packs read what the other jobs settle (contracts completed, expired…)
        register_daily_job("report_packs", report_packs_run, order=900)
        grant({"sales_manager": RUN_PACKS, "general_manager": RUN_PACKS, "finance": READ_PACKS})
        # Overdue invoices join the ledger's receivables to the customers one may see.
        register_todo(
            "receivables_overdue",
            order=400,
            permission="ledger.view_receivable",
            count=_receivables_overdue_count,
            label=ngettext_lazy(
                "%d invoice is overdue for payment", "%d invoices are overdue for payment"
            ),
            url="admin:ledger_receivable_changelist",
            query="overdue=yes",
        )
        register_nav_item(
            "sales",
            _("Sales statistics"),
            icon="bar_chart",
            url="report-sales-page",
            permission="sales.view_salesorder",
            order=50,
        )
        register_nav_item(
            "materials",
            _("Materials cost statistics"),
            icon="monitoring",
            url="report-materials-page",
            permission="materials.view_stockmove",
            order=80,
        )
        register_nav_item(
            "expenses",
            _("Expense statistics"),
            icon="monitoring",
            url="report-expenses-page",
            permission="expenses.view_expenseapplication",
            order=40,
        )
        register_nav_item(
            "sales",
            _("Report packs"),
            icon="folder_zip",
            url="admin:reports_reportpack_changelist",
            permission="reports.view_reportpack",
            order=60,
        )
        register_nav_item(
            "sales",
            _("Report pack recipients"),
            icon="forward_to_inbox",
            url="admin:reports_packschedule_changelist",
            permission="reports.change_packschedule",
            order=70,
        )
        register_nav_item(
            "sales",
            _("Billing statistics"),
            icon="bar_chart",
            url="report-billing-page",
            permission="sales.view_invoice",
            order=80,
        )
        register_nav_item(
            "contracts",
            _("Contract statistics"),
            icon="monitoring",
            url="report-contracts-page",
            permission="contracts.view_contract",
            order=20,
        )
        register_nav_item(
            "receivables",
            _("Receivables aging"),
            icon="hourglass_bottom",
            url="report-aging-page",
            permission="ledger.view_receivable",
            order=30,
        )
        register_nav_item(
            "receivables",
            _("General ledger"),
            icon="account_balance",
            url="report-ledger-page",
            permission="ledger.view_general_ledger",
            order=40,
        )
