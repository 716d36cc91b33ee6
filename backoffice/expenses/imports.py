"""The year's budgets from a spreadsheet (issue 18 §2): one row a budget, headed in Chinese
or English — 区域 region, 费用类别 category, 期间 period (年/季度/月 or year/quarter/month),
开始日期 starts_on (the period's first day, or any day of it), 预算金额 amount, 备注 note.

Every row is checked before anything is written; one bad row writes nothing, and each
problem names its row and column. A budget already there (its region, category and period)
takes the row's amount and note, audited with before and after; the rest are created."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from backoffice.accounts.models import Region
from backoffice.core.access import Actor, permission_required
from backoffice.core.money import round_amount
from backoffice.core.periods import period_start
from backoffice.core.services import model_save
from backoffice.core.tabular import numbered
from backoffice.expenses.models import Budget, ExpenseCategory
from backoffice.parties.imports import RowError

COLUMNS = {
    "region": ("区域", "region", gettext_lazy("Region")),
    "category": ("费用类别", "category", pgettext_lazy("expenses", "Category")),
    "period": ("期间", "period", gettext_lazy("Period type")),
    "starts_on": ("开始日期", "starts_on", gettext_lazy("From")),
    "amount": ("预算金额", "amount", gettext_lazy("Budget")),
    "note": ("备注", "note", gettext_lazy("Note")),
}
REQUIRED = ("region", "category", "period", "starts_on", "amount")
PERIODS = {
    "年": "year",
    "年度": "year",
    "year": "year",
    "季": "quarter",
    "季度": "quarter",
    "quarter": "quarter",
    "月": "month",
    "月度": "month",
    "month": "month",
}


@dataclass
class BudgetImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[Budget] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def budget_columns(headers: list[str]) -> dict[str, str]:
    """{field: the file's header} for the headers the file has, in either language."""
    found = {}
    for header in headers:
        for name, (chinese, english, _label) in COLUMNS.items():
            if header.strip() in (chinese, english, str(COLUMNS[name][2])):
                found[name] = header
    return found


def _row(number: int, value: dict[str, str], regions, categories, result: BudgetImport):
    problems = []

    def problem(column: str, message: str) -> None:
        problems.append(RowError(number, column, message, str(COLUMNS[column][2])))

    region = regions.get(value["region"]) or regions.get(value["region"].lower())
    if region is None:
        problem("region", _("no region with this code or name"))
    category = categories.get(value["category"]) or categories.get(value["category"].upper())
    if category is None:
        problem("category", _("no expense category with this code or name"))
    elif not category.is_active:
        problem("category", _("no longer in use"))
    period = PERIODS.get(value["period"].lower())
    if period is None:
        problem("period", _("year, quarter or month"))
    try:
        starts_on = date.fromisoformat(value["starts_on"][:10])
    except ValueError:
        starts_on = None
        problem("starts_on", _("a date such as 2026-01-01"))
    try:
        amount = round_amount(Decimal(value["amount"].replace(",", "")))
        if amount < 0 or not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        amount = None
        problem("amount", _("a number, not negative"))
    if problems:
        result.errors.extend(problems)
        return None
    return Budget(
        region=region,
        category=category,
        period=period,
        starts_on=period_start(starts_on, period),
        amount=amount,
        note=value.get("note", "")[:200],
    )


@permission_required("expenses.add_budget")
def budgets_import(*, rows: list[dict[str, str]], by: Actor, commit: bool) -> BudgetImport:
    """Check every row; with commit=True and no errors, write them all in one transaction."""
    result = BudgetImport()
    columns = budget_columns(list(rows[0]) if rows else [])
    missing = [name for name in REQUIRED if name not in columns]
    if not rows:
        result.errors.append(RowError(1, "", _("The file has no rows under its header.")))
        return result
    if missing:
        labels = ", ".join(f"{COLUMNS[m][0]} / {COLUMNS[m][1]}" for m in missing)
        result.errors.append(RowError(1, ",".join(missing), _("Missing column.") + " " + labels))
        return result
    regions: dict[str, Region] = {}
    for region in Region.objects.all():
        regions[region.code] = regions[region.code.lower()] = regions[region.name] = region
    categories: dict[str, ExpenseCategory] = {}
    for category in ExpenseCategory.objects.all():
        categories[category.code] = categories[category.name] = category
    seen: dict[tuple, int] = {}
    for number, raw in numbered(rows):
        value = {name: (raw.get(header) or "").strip() for name, header in columns.items()}
        value.setdefault("note", "")
        budget = _row(number, value, regions, categories, result)
        if budget is None:
            continue
        key = (budget.region_id, budget.category_id, budget.period, budget.starts_on)
        if key in seen:
            result.errors.append(
                RowError(
                    number,
                    "starts_on",
                    _("the same budget as row %(row)s") % {"row": seen[key]},
                    str(COLUMNS["starts_on"][2]),
                )
            )
            continue
        seen[key] = number
        result.rows.append(budget)
    if result.ok:
        _write(result, by, commit)
    return result


def _write(result: BudgetImport, by: Actor, commit: bool) -> None:
    """Count what the rows change; with `commit`, write it (all or nothing)."""
    existing = {
        (b.region_id, b.category_id, b.period, b.starts_on): b
        for b in Budget.objects.filter(
            region__in={b.region_id for b in result.rows},
            category__in={b.category_id for b in result.rows},
        )
    }
    with transaction.atomic():
        for budget in result.rows:
            key = (budget.region_id, budget.category_id, budget.period, budget.starts_on)
            there: Any = existing.get(key)
            if there is None:
                result.created += 1
                if commit:
                    model_save(instance=budget, by=by)
            elif (there.amount, there.note) == (budget.amount, budget.note):
                result.unchanged += 1
            else:
                result.updated += 1
                if commit:
                    there.amount, there.note = budget.amount, budget.note
                    model_save(instance=there, by=by)
