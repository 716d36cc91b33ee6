"""Sales trends beside the records (issue 16): a 12-month sparkline column on the customer
and product lists, and the customer file's 36-month chart. Parties and catalog may not read
sales (STYLE §2); this app registers them (core.list_columns, core.record_tabs). Each reads
the monthly sums once for the page (reports.selectors.sales.monthly_series)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from backoffice.catalog.models import Product
from backoffice.core.charts import columns, sparkline
from backoffice.core.list_columns import register_list_column
from backoffice.core.record_tabs import TabColumn, TabContent, TabRow, register_record_tab
from backoffice.parties.models import Customer
from backoffice.reports.selectors.sales import monthly_series

LIST_MONTHS = 12
FILE_MONTHS = 36
PERMISSION = "sales.view_salesorder"


def _sparklines(group: str):
    def values(objects: list, user: Any) -> dict[int, Any]:
        labels, series = monthly_series(
            user, group=group, ids=[obj.pk for obj in objects], months=LIST_MONTHS
        )
        return {pk: sparkline(amounts, labels=labels) for pk, amounts in series.items()}

    return values


def customer_sales_tab(customer: Customer, user: Any, limit: int) -> TabContent:
    """The customer's last 36 months as a chart, and the recent months as rows."""
    labels, series = monthly_series(user, group="customer", ids=[customer.pk], months=FILE_MONTHS)
    amounts = series[customer.pk]
    recent = list(zip(labels, amounts, strict=True))[::-1][: max(limit, 12)]
    return TabContent(
        columns=[TabColumn(_("Month")), TabColumn(_("Amount (incl. VAT)"), numeric=True)],
        rows=[TabRow([label, amount]) for label, amount in recent],
        figures=[(_("Last 12 months"), sum(amounts[-12:])), (_("Last 36 months"), sum(amounts))],
        chart=columns(amounts, labels=labels),
        caption=_("Ordered, by month"),
    )


def register_trends() -> None:
    for model, group in ((Customer, "customer"), (Product, "product")):
        register_list_column(
            model,
            key="trend",
            title=_("Sales, last 12 months"),
            permission=PERMISSION,
            values=_sparklines(group),
        )
    register_record_tab(
        Customer,
        key="sales",
        title=_("Sales trend"),
        order=5,
        permission=PERMISSION,
        content=customer_sales_tab,
        eager=True,  # the 36-month chart comes with the page; the other tabs load when opened
    )
