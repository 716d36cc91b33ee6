"""The dashboard's numbers (issue #6): sales today, month and year to date against the
previous period, receivables and what is overdue, a 12-month trend, sales by region, top
customers and products. Read from the daily sales facts (ordered basis, imported history
included) and the open receivables — a few small GROUP BYs, whatever the history's size.
Each number carries the link to the list or report behind it."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import DateField, DecimalField, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from backoffice.accounts.models import Region
from backoffice.catalog.models import Product
from backoffice.core.money import round_amount
from backoffice.ledger.selectors import receivable_balances
from backoffice.parties.models import Customer
from backoffice.parties.selectors import customer_visible_to
from backoffice.reports.selectors.sales import (
    basis_codes,
    change_percent,
    last_year_start,
    visible_facts,
)

ZERO = Decimal(0)


def _sales_url(date_from: date, date_to: date, period: str, group_by: str = "") -> str:
    query = {"date_from": date_from, "date_to": date_to, "period": period, "basis": "ordered"}
    if group_by:
        query["group_by"] = group_by
    return reverse("report-sales-page") + "?" + urlencode(query)


def _month_start(day: date, back: int = 0) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def sales_kpis(user: Any, *, today: date) -> dict[str, Any]:
    """Tiles and charts for a user who may see sales: their own scope only."""
    facts = visible_facts(user).filter(basis__in=basis_codes("ordered"))
    everything = facts.filter(product_id=0)  # one row per day and customer: the totals
    yesterday = today - timedelta(days=1)
    month = today.replace(day=1)
    previous_month = _month_start(today, 1)
    previous_month_to = min(
        previous_month + (today - month), month - timedelta(days=1)
    )  # the same days of the month before
    year = today.replace(month=1, day=1)
    last_year_from, last_year_to = last_year_start(year, "year"), last_year_start(today, "day")
    money = DecimalField(max_digits=18, decimal_places=2)

    def between(start: date, end: date) -> Any:
        return Coalesce(
            Sum("gross_amount", filter=Q(day__gte=start, day__lte=end)), ZERO, output_field=money
        )

    sums = everything.filter(day__gte=min(last_year_from, previous_month)).aggregate(
        today=between(today, today),
        yesterday=between(yesterday, yesterday),
        month=between(month, today),
        previous_month=between(previous_month, previous_month_to),
        year=between(year, today),
        last_year=between(last_year_from, last_year_to),
    )
    sums = {key: round_amount(value) for key, value in sums.items()}
    tiles = [
        {
            "title": _("Sales today"),
            "value": sums["today"],
            "before": sums["yesterday"],
            "before_label": _("yesterday"),
            "change": change_percent(sums["today"], sums["yesterday"]),
            "url": _sales_url(today, today, "day", "customer"),
        },
        {
            "title": _("Sales this month"),
            "value": sums["month"],
            "before": sums["previous_month"],
            "before_label": _("same days last month"),
            "change": change_percent(sums["month"], sums["previous_month"]),
            "url": _sales_url(month, today, "day"),
        },
        {
            "title": _("Sales this year"),
            "value": sums["year"],
            "before": sums["last_year"],
            "before_label": _("same period last year"),
            "change": change_percent(sums["year"], sums["last_year"]),
            "url": _sales_url(year, today, "month"),
        },
    ]
    overdue_count = None  # the to-dos count overdue invoices themselves then
    if user.has_perm("ledger.view_receivable"):
        balances = receivable_balances(customer_visible_to(user), today=today)
        overdue_count = balances["overdue_count"]
        receivables = reverse("admin:ledger_receivable_changelist")
        tiles += [
            {
                "title": _("Receivables"),
                "value": balances["open"],
                "url": reverse("report-aging-page"),
            },
            {
                "title": _("Overdue"),
                "value": balances["overdue"],
                "url": receivables + "?overdue=yes",
                "alert": bool(balances["overdue"]),
            },
        ]

    # 12 months, this one included
    first = _month_start(today, 11)
    by_month = {
        row["month"]: row["amount"]
        for row in everything.filter(day__gte=first, day__lte=today)
        .annotate(month=TruncMonth("day", output_field=DateField()))
        .values("month")
        .annotate(amount=Sum("gross_amount"))
        .order_by()
    }
    trend = []
    for back in range(11, -1, -1):
        start = _month_start(today, back)
        end = _month_start(today, back - 1) - timedelta(days=1) if back else today
        trend.append(
            {
                "label": start.strftime("%Y-%m"),
                "amount": round_amount(by_month.get(start) or ZERO),
                "url": _sales_url(start, end, "day"),
            }
        )
    _scale(trend)

    def top(field: str, model: Any, queryset: Any, url: Any) -> list[dict[str, Any]]:
        rows = list(
            queryset.filter(day__gte=year, day__lte=today)
            .values(field)
            .annotate(amount=Sum("gross_amount"))
            .order_by("-amount")[:5]
        )
        names = dict(
            model.objects.filter(pk__in=[r[field] for r in rows]).values_list("pk", "name")
        )
        result = [
            {"label": names.get(r[field], "—"), "amount": round_amount(r["amount"]), "url": url(r)}
            for r in rows
            if r["amount"]
        ]
        _scale(result)
        return result

    region_url = _sales_url(year, today, "month", "region")
    return {
        "tiles": tiles,
        "trend": trend,
        "regions": top("region_id", Region, everything, lambda r: region_url),
        "customers": top(
            "customer_id",
            Customer,
            everything,
            lambda r: reverse("admin:parties_customer_change", args=[r["customer_id"]]),
        ),
        "products": top(
            "product_id",
            Product,
            facts.filter(product_id__gt=0),
            lambda r: reverse("admin:catalog_product_change", args=[r["product_id"]]),
        ),
        "year": year.year,
        "overdue_count": overdue_count,
    }


def _scale(rows: list[dict[str, Any]]) -> None:
    """Each row's share of the largest, for bars drawn in CSS."""
    largest = max((row["amount"] for row in rows), default=ZERO)
    for row in rows:
        row["share"] = int(row["amount"] * 100 / largest) if largest > 0 else 0
