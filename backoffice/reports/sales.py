"""Sales statistics (DOMAIN §12, seed S1 §1.1): by day, week, month, quarter or year; by up to
two of region, rep, customer, customer kind, product and category; on the ordered,
delivered or invoiced basis; with quantity, amount, net amount and order count, and the
change against the previous period and the same period last year.

It reads the daily sales facts (sales/models/facts.py), never the document lines, so a
year over a million lines is a GROUP BY over a few hundred thousand summary rows at most;
without a product grouping, over the all-product rows only."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncQuarter, TruncWeek, TruncYear
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.accounts.models import Region, User
from backoffice.catalog.models import Product, ProductCategory
from backoffice.core.api import query_date
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import ZERO
from backoffice.parties.models import Customer
from backoffice.sales.models import SalesFact

PERIODS = {
    "day": TruncDay,
    "week": TruncWeek,
    "month": TruncMonth,
    "quarter": TruncQuarter,
    "year": TruncYear,
}
GROUPS = {
    "region": "region_id",
    "rep": "owner_id",
    "customer": "customer_id",
    "customer_kind": "customer_kind",
    "product": "product_id",
    "category": "category_id",
}
BASES = {
    "ordered": SalesFact.Basis.ORDERED,
    "delivered": SalesFact.Basis.DELIVERED,
    "invoiced": SalesFact.Basis.INVOICED,
}
CENT = Decimal("0.01")
MILLI = Decimal("0.001")  # SQLite sums decimals in floating point: back to stored precision


@dataclass(frozen=True)
class SalesQuery:
    date_from: date
    date_to: date
    period: str
    group_by: tuple[str, ...]
    basis: str


def basis_codes(basis: str) -> tuple[int, int]:
    """A basis's facts, and imported history, which counts for every basis."""
    return (BASES[basis], SalesFact.Basis.HISTORY)


def sales_params(params: Any) -> SalesQuery:
    today = timezone.localdate()
    date_from = query_date(params, "date_from", today.replace(month=1, day=1))
    date_to = query_date(params, "date_to", today)
    period = params.get("period") or "month"
    basis = params.get("basis") or "ordered"
    group_by = tuple(g for g in (params.get("group_by") or "").split(",") if g)
    errors = {}
    if period not in PERIODS:
        errors["period"] = [_("choose from: %s") % ", ".join(PERIODS)]
    if basis not in BASES:
        errors["basis"] = [_("choose from: %s") % ", ".join(BASES)]
    if len(group_by) > 2 or len(set(group_by)) != len(group_by):
        errors["group_by"] = [_("up to two different groupings")]
    elif any(g not in GROUPS for g in group_by):
        errors["group_by"] = [_("choose from: %s") % ", ".join(GROUPS)]
    if date_to < date_from:
        errors["date_to"] = [_("must not be before date_from")]
    elif (date_to - date_from).days > 3660:
        errors["date_to"] = [_("at most ten years at a time")]
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    return SalesQuery(date_from, date_to, period, group_by, basis)


def period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    return day


def period_label(start: date, period: str) -> str:
    if period == "week":
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period == "year":
        return f"{start.year}"
    return start.isoformat()


def previous_start(start: date, period: str) -> date:
    if period == "day":
        return start - timedelta(days=1)
    if period == "week":
        return start - timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - months
    year = start.year + (month - 1) // 12
    return start.replace(year=year, month=(month - 1) % 12 + 1)


def last_year_start(start: date, period: str) -> date:
    if period == "week":  # the same ISO week of the previous year
        year, week, _weekday = start.isocalendar()
        return date.fromisocalendar(year - 1, min(week, 52), 1)
    if start.month == 2 and start.day == 29:
        return start.replace(year=start.year - 1, day=28)
    return start.replace(year=start.year - 1)


def visible_facts(by: Any) -> QuerySet[SalesFact]:
    """The same rule as the documents: all, own regions, or own customers (STYLE §7)."""
    facts = SalesFact.objects.all()
    if not getattr(by, "is_authenticated", False) or not by.is_active:
        return facts.none()
    if by.has_perm("sales.view_all_orders"):
        return facts
    if by.has_perm("sales.view_region_orders"):
        return facts.filter(region_id__in=list(by.regions.values_list("pk", flat=True)))
    return facts.filter(owner_id=by.pk)


def _codes(group: str, ids: set) -> dict:
    if group == "customer_kind":
        return {kind: kind for kind in ids}
    model, field = {
        "region": (Region, "code"),
        "rep": (User, "username"),
        "customer": (Customer, "code"),
        "product": (Product, "code"),
        "category": (ProductCategory, "code"),
    }[group]
    codes = dict(model.objects.filter(pk__in=ids).values_list("pk", field))
    codes[0] = ""  # a product without a category
    return codes


def _change(now: Decimal, before: Decimal | None) -> str | None:
    if not before:
        return None
    return str(((now - before) * 100 / abs(before)).quantize(Decimal("0.1")))


def sales_statistics(*, by: Any, query: SalesQuery) -> dict[str, Any]:
    """{"rows": [{period, <group>: code…, quantity, amount, net_amount, orders,
    previous_amount, change_previous, last_year_amount, change_last_year}], "totals": {…}}."""
    grain = (
        Q(product_id__gt=0)
        if "product" in query.group_by
        else Q(product_id__lt=0)
        if "category" in query.group_by
        else Q(product_id=0)
    )
    first = period_start(query.date_from, query.period)
    lookback = min(last_year_start(first, query.period), previous_start(first, query.period))
    base = visible_facts(by).filter(basis__in=basis_codes(query.basis))
    base = base.filter(grain)
    fields = [GROUPS[g] for g in query.group_by]

    def aggregate(day_from: date, day_to: date) -> dict[tuple, dict]:
        grouped = (
            base.filter(day__gte=day_from, day__lte=day_to)
            .annotate(start=PERIODS[query.period]("day"))
            .values("start", *fields)
            .annotate(
                quantity=Sum("quantity"),
                amount=Sum("gross_amount"),
                net_amount=Sum("net_amount"),
                orders=Sum("orders"),
            )
            .order_by()
        )
        result = {}
        for row in grouped:
            start = row["start"]
            start = start.date() if hasattr(start, "date") else start
            result[(start, *(row[f] for f in fields))] = row
        return result

    # The rows count only [date_from, date_to]; the comparisons use whole earlier periods.
    cells = aggregate(query.date_from, query.date_to)
    earlier = aggregate(lookback, query.date_from - timedelta(days=1))

    def amount_of(key: tuple) -> Decimal | None:
        parts = [found["amount"] for found in (earlier.get(key), cells.get(key)) if found]
        return sum(parts, ZERO) if parts else None

    codes = {g: _codes(g, {key[1 + i] for key in cells}) for i, g in enumerate(query.group_by)}
    rows = []
    for key in sorted(cells, key=lambda k: (k[0], *(str(v) for v in k[1:]))):
        start = key[0]
        row = cells[key]
        if not (row["quantity"] or row["amount"] or row["orders"]):
            continue  # an order approved and cancelled again nets to nothing
        before = amount_of((previous_start(start, query.period), *key[1:]))
        last_year = amount_of((last_year_start(start, query.period), *key[1:]))
        amount = row["amount"].quantize(CENT)
        rows.append(
            {
                "period": period_label(start, query.period),
                **{g: codes[g].get(key[1 + i], key[1 + i]) for i, g in enumerate(query.group_by)},
                "quantity": row["quantity"].quantize(MILLI),
                "amount": amount,
                "net_amount": row["net_amount"].quantize(CENT),
                "orders": row["orders"],
                "previous_amount": (before or ZERO).quantize(CENT),
                "change_previous": _change(amount, before),
                "last_year_amount": (last_year or ZERO).quantize(CENT),
                "change_last_year": _change(amount, last_year),
            }
        )
    # Totals from the all-product rows: an order with two products is still one order.
    whole = (
        visible_facts(by)
        .filter(
            basis__in=basis_codes(query.basis),
            product_id=0,
            day__gte=query.date_from,
            day__lte=query.date_to,
        )
        .aggregate(
            quantity=Sum("quantity"),
            amount=Sum("gross_amount"),
            net_amount=Sum("net_amount"),
            orders=Sum("orders"),
            rows=Count("id"),
        )
    )
    totals = {
        "quantity": (whole["quantity"] or ZERO).quantize(MILLI),
        "amount": (whole["amount"] or ZERO).quantize(CENT),
        "net_amount": (whole["net_amount"] or ZERO).quantize(CENT),
        "orders": whole["orders"] or 0,
    }
    return {"rows": rows, "totals": totals}


def sales_workbook(query: SalesQuery, report: dict[str, Any]) -> bytes:
    import io

    from openpyxl import Workbook

    from backoffice.core.excel import neutralise

    labels = {
        "region": _("Region"),
        "rep": _("Rep"),
        "customer": _("Customer"),
        "customer_kind": _("Customer kind"),
        "product": _("Product"),
        "category": _("Category"),
    }
    book = Workbook()
    sheet = book.active
    sheet.title = query.basis
    sheet.append(
        [
            _("Period"),
            *[labels[g] for g in query.group_by],
            _("Quantity"),
            _("Amount (incl. VAT)"),
            _("Net amount"),
            _("Orders"),
            _("Previous period"),
            _("Change on previous period"),
            _("Same period last year"),
            _("Change on last year"),
        ]
    )
    for row in report["rows"]:
        sheet.append(
            [
                row["period"],
                *[neutralise(row[g]) for g in query.group_by],
                row["quantity"],
                row["amount"],
                row["net_amount"],
                row["orders"],
                row["previous_amount"],
                row["change_previous"],
                row["last_year_amount"],
                row["change_last_year"],
            ]
        )
    totals = report["totals"]
    sheet.append(
        [
            _("Total"),
            *[""] * len(query.group_by),
            totals["quantity"],
            totals["amount"],
            totals["net_amount"],
            totals["orders"],
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
