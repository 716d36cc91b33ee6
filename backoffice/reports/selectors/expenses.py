"""Expense statistics (DOMAIN §7; issue 18 §6), over what the user may see:

- spending against budget by region, category and month: the budget, what applications in
  review or approved commit, what verified applications spent, what is available, the share
  used, and the petty cash spent beside it;
- marketing expense as a share of sales, by region and month (sales from the monthly sales
  facts, ordered, without VAT);
- petty cash per holder.

A row's budget is the sum of the budgets whose whole period lies within the row's dates; where
a region has budgets of several lengths for a category (a year's and its months'), the
longest ones count, so that nothing is counted twice. Applications count on their planned
date, petty cash on the day it was spent."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DateField, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.accounts.models import Region
from backoffice.core.access import Actor, visible_rows
from backoffice.core.money import ZERO, round_amount, round_percent
from backoffice.core.periods import period_end
from backoffice.expenses.models import (
    Budget,
    ExpenseApplication,
    ExpenseCategory,
    PettyCashEntry,
    PettyCashFloat,
    PettyCashSettlement,
)
from backoffice.expenses.selectors import (
    application_visible_to,
    budget_visible_to,
    float_visible_to,
)
from backoffice.reports.selectors.params import refuse_if, report_dates
from backoffice.reports.selectors.sales import basis_codes
from backoffice.sales.models import SalesMonth

GROUPS = ("region", "category", "month")
MEASURES = ("budget", "committed", "spent", "available", "petty_cash")
LONGEST_FIRST = {"year": 0, "quarter": 1, "month": 2}


def expense_params(params: Any) -> tuple[date, date, list[str]]:
    """date_from (default 1 January) and date_to (default 31 December: budgets and
    applications lie ahead as well), and the groupings."""
    errors: dict[str, list[str]] = {}
    if not params.get("date_to"):
        params = {**dict(params.items()), "date_to": f"{timezone.localdate().year}-12-31"}
    date_from, date_to = report_dates(params, errors)
    group_by = [g for g in (params.get("group_by") or "region,category").split(",") if g]
    unknown = [g for g in group_by if g not in GROUPS]
    if unknown or not group_by:
        errors["group_by"] = [_("choose from: %s") % ", ".join(GROUPS)]
    refuse_if(errors)
    return date_from, date_to, list(dict.fromkeys(group_by))


def _month(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _budgets(by: Actor, date_from: date, date_to: date, per_month: bool) -> list[Budget]:
    """The budgets lying within the dates (within one month, per month). A budget inside a
    longer one already counted (a month of its year) is not counted again."""
    budgets = sorted(
        (
            budget
            for budget in budget_visible_to(by)
            .filter(starts_on__gte=date_from, starts_on__lte=date_to)
            .select_related("region", "category")
            if period_end(budget.starts_on, budget.period) <= date_to
            and (not per_month or budget.period == Budget.Period.MONTH)
        ),
        key=lambda b: (LONGEST_FIRST[b.period], b.starts_on),
    )
    counted: list[Budget] = []
    for budget in budgets:
        inside = any(
            (longer.region_id, longer.category_id) == (budget.region_id, budget.category_id)
            and longer.starts_on <= budget.starts_on
            and period_end(longer.starts_on, longer.period) >= budget.ends_on
            for longer in counted
        )
        if not inside:
            counted.append(budget)
    return counted


def expense_statistics(
    *, by: Actor, date_from: date, date_to: date, group_by: list[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows of {region, region_name, category, category_name, month, budget, committed,
    spent, available, used_percent, petty_cash} per group, and their totals."""
    rows: dict[tuple, dict[str, Any]] = {}

    def row(region: Any, category: Any, day: date) -> dict[str, Any]:
        parts = {
            # petty cash of a holder with no region (a clerk's) has a row of its own
            "region": (region.pk, region.code, region.name) if region else (0, "", _("No region")),
            "category": (category.pk, category.code, category.name),
            "month": (_month(day), _month(day), _month(day)),
        }
        key = tuple(parts[g][0] for g in group_by)
        found = rows.get(key)
        if found is None:
            found = rows[key] = {"sort": tuple(parts[g][1] for g in group_by)}
            for group in group_by:
                if group != "month":
                    found[group] = parts[group][1]
                found[f"{group}_name" if group != "month" else group] = parts[group][2]
            found.update(dict.fromkeys(MEASURES, ZERO))
        return found

    for budget in _budgets(by, date_from, date_to, "month" in group_by):
        row(budget.region, budget.category, budget.starts_on)["budget"] += budget.amount

    categories = ExpenseCategory.objects.in_bulk()
    applications = (
        application_visible_to(by)
        .filter(planned_on__gte=date_from, planned_on__lte=date_to)
        .annotate(month=TruncMonth("planned_on", output_field=DateField()))
        .values("region", "category", "month")
        .annotate(
            committed=Sum("amount", filter=Q(status__in=ExpenseApplication.COMMITTING)),
            spent=Sum("spent", filter=Q(status=ExpenseApplication.Status.VERIFIED)),
        )
        .order_by()
    )
    petty = (
        visible_rows(PettyCashEntry, by)
        .filter(spent_on__gte=date_from, spent_on__lte=date_to)
        .annotate(month=TruncMonth("spent_on", output_field=DateField()))
        .values("petty_float__region", "category", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    applications, petty = list(applications), list(petty)
    regions: dict[Any, Any] = Region.objects.in_bulk(
        {a["region"] for a in applications} | {p["petty_float__region"] for p in petty} - {None}
    )
    regions[None] = None
    for found in applications:
        if not (found["committed"] or found["spent"]):
            continue
        target = row(regions[found["region"]], categories[found["category"]], found["month"])
        target["committed"] += found["committed"] or ZERO
        target["spent"] += found["spent"] or ZERO
    for found in petty:
        region = regions[found["petty_float__region"]]
        row(region, categories[found["category"]], found["month"])["petty_cash"] += found["total"]

    result = sorted(rows.values(), key=lambda r: r.pop("sort"))
    for found in result:
        _finish(found)
    totals = _finish({m: sum((r[m] for r in result), ZERO) for m in MEASURES if m != "available"})
    return result, totals


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    for measure in MEASURES:
        if measure in row:
            row[measure] = round_amount(row[measure])
    row["available"] = row["budget"] - row["committed"] - row["spent"]
    used = row["committed"] + row["spent"]
    row["used_percent"] = round_percent(used * 100 / row["budget"]) if row["budget"] else None
    return row


def marketing_share(*, by: Actor, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """By region and month: marketing spent (verified applications and petty cash of the
    marketing categories) against the region's sales without VAT, and its share. Regions
    the user sees budgets of only."""
    if by.has_perm("expenses.view_all_budgets"):
        regions = Region.objects.all()
    elif by.has_perm("expenses.view_region_budgets"):
        regions = by.regions.all()
    else:
        return []
    regions = {region.pk: region for region in regions}
    marketing = ExpenseCategory.Group.MARKETING
    spent: dict[tuple[int, date], Decimal] = {}
    verified = (
        ExpenseApplication.objects.filter(
            region__in=list(regions),
            status=ExpenseApplication.Status.VERIFIED,
            category__group=marketing,
            planned_on__gte=date_from,
            planned_on__lte=date_to,
        )
        .annotate(month=TruncMonth("planned_on", output_field=DateField()))
        .values_list("region", "month")
        .annotate(total=Sum("spent"))
        .order_by()
    )
    petty = (
        PettyCashEntry.objects.filter(
            petty_float__region__in=list(regions),
            category__group=marketing,
            spent_on__gte=date_from,
            spent_on__lte=date_to,
        )
        .annotate(month=TruncMonth("spent_on", output_field=DateField()))
        .values_list("petty_float__region", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for region_id, month, total in [*verified, *petty]:
        spent[(region_id, month)] = spent.get((region_id, month), ZERO) + total
    sales = (
        SalesMonth.objects.filter(
            basis__in=basis_codes("ordered"),
            product_id=0,
            customer_id=0,
            region_id__in=list(regions),
            month__gte=date_from.replace(day=1),
            month__lte=date_to,
        )
        .values_list("region_id", "month")
        .annotate(total=Sum("net_amount"))
        .order_by()
    )
    revenue = {(region_id, month): total for region_id, month, total in sales}
    keys = sorted(set(spent) | set(revenue), key=lambda k: (regions[k[0]].code, k[1]))
    rows = []
    for region_id, month in keys:
        amount, income = spent.get((region_id, month), ZERO), revenue.get((region_id, month), ZERO)
        rows.append(
            {
                "region": regions[region_id].code,
                "region_name": regions[region_id].name,
                "month": _month(month),
                "marketing_spent": round_amount(amount),
                "sales": round_amount(income),
                "share_percent": round_percent(amount * 100 / income) if income else None,
            }
        )
    return rows


def petty_cash_holders(*, by: Actor, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Per float the user sees (none without the right to see floats), open or used within
    the dates: its holder, amount and cash
    on hand, what was spent within the dates, what of it is settled, and what is not yet
    settled at all."""
    if not by.has_perm("expenses.view_pettycashfloat"):
        return []
    floats = (
        float_visible_to(by)
        .filter(
            Q(status=PettyCashFloat.Status.OPEN)
            | Q(entries__spent_on__gte=date_from, entries__spent_on__lte=date_to)
        )
        .distinct()
        .select_related("holder", "region")
        .order_by("holder__username", "number")
    )
    within = Q(entries__spent_on__gte=date_from, entries__spent_on__lte=date_to)
    settled = Q(entries__settlement__status=PettyCashSettlement.Status.SETTLED)
    floats = floats.annotate(
        spent=Sum("entries__amount", filter=within),
        settled=Sum("entries__amount", filter=within & settled),
    )
    rows = []
    for petty_float in floats:
        rows.append(
            {
                "float": petty_float.number,
                "holder": petty_float.holder.username,
                "holder_name": str(petty_float.holder),
                "region_name": petty_float.region.name if petty_float.region else "",
                "status": petty_float.get_status_display(),
                "amount": petty_float.amount,
                "cash_on_hand": petty_float.cash_on_hand,
                "spent": round_amount(petty_float.spent or ZERO),
                "settled": round_amount(petty_float.settled or ZERO),
                "unsettled": (
                    petty_float.amount - petty_float.cash_on_hand
                    if petty_float.status == PettyCashFloat.Status.OPEN
                    else ZERO
                ),
            }
        )
    return rows
