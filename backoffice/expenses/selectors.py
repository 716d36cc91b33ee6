"""Reads of expenses: who sees which application and budget (STYLE §7), and each budget's
figures: committed (applications in review or approved), available (the rest)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backoffice.core.access import Actor, access_object, scope_for_user, visible_rows
from backoffice.core.periods import period_end
from backoffice.expenses.models import (
    Budget,
    ExpenseApplication,
    ExpenseCategory,
    ExpenseVerification,
    PettyCashEntry,
    PettyCashFloat,
    PettyCashSettlement,
)


def application_visible_to(user: Any) -> QuerySet[ExpenseApplication]:
    """All (finance, clerks, managers), own regions' (regional managers), or own (reps)."""
    return scope_for_user(
        ExpenseApplication.objects.all(),
        user,
        all_perm="expenses.view_all_expenseapplications",
        region_perm="expenses.view_region_expenseapplications",
    )


def access_application(by: Actor, application_id: Any) -> ExpenseApplication:
    return access_object(
        application_visible_to(by).select_related("owner", "region", "category", "customer"),
        application_id,
    )


def application_list(*, by: Actor) -> QuerySet[ExpenseApplication]:
    return (
        application_visible_to(by)
        .select_related("owner", "region", "category", "customer")
        .order_by("-created_at", "-id")
    )


def budget_visible_to(user: Any) -> QuerySet[Budget]:
    """Every region's budgets, own regions' or none: a budget has no owner."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Budget.objects.none()
    if user.has_perm("expenses.view_all_budgets"):
        return Budget.objects.all()
    if user.has_perm("expenses.view_region_budgets"):
        return Budget.objects.filter(region__in=user.regions.all())
    return Budget.objects.none()


def budget_figures(budgets: list[Budget]) -> list[Budget]:
    """The budgets, each given `committed`, `spent` and `available` (one query for any
    number)."""
    if not budgets:
        return budgets
    ends = {budget.pk: period_end(budget.starts_on, budget.period) for budget in budgets}
    applications = ExpenseApplication.objects.filter(
        region_id__in={b.region_id for b in budgets},
        category_id__in={b.category_id for b in budgets},
        planned_on__gte=min(b.starts_on for b in budgets),
        planned_on__lte=max(ends.values()),
        status__in=(*ExpenseApplication.COMMITTING, ExpenseApplication.Status.VERIFIED),
    ).values_list("region_id", "category_id", "planned_on", "status", "amount", "spent")
    committed = {budget.pk: Decimal("0.00") for budget in budgets}
    spent = {budget.pk: Decimal("0.00") for budget in budgets}
    by_scope: dict[tuple[int, int], list[Budget]] = {}
    for budget in budgets:
        by_scope.setdefault((budget.region_id, budget.category_id), []).append(budget)
    for region_id, category_id, planned_on, status, amount, verified in applications:
        for budget in by_scope.get((region_id, category_id), []):
            if not budget.starts_on <= planned_on <= ends[budget.pk]:
                continue
            if status == ExpenseApplication.Status.VERIFIED:
                spent[budget.pk] += verified
            else:
                committed[budget.pk] += amount
    for budget in budgets:
        budget.committed, budget.spent = committed[budget.pk], spent[budget.pk]
        budget.available = budget.amount - budget.committed - budget.spent
    return budgets


def budget_cells(budgets: list[Budget], key: str) -> dict[int, Decimal]:
    """The budget list's `committed`, `spent` or `available` column for a page of budgets."""
    if budgets and not hasattr(budgets[0], key):
        budget_figures(budgets)  # once for the page's two columns
    return {budget.pk: getattr(budget, key) for budget in budgets}


def access_verification(by: Actor, verification_id: Any) -> ExpenseVerification:
    """A verification the user may see: as its application (registered through it)."""
    return access_object(
        visible_rows(ExpenseVerification, by).select_related("application__category"),
        verification_id,
    )


VERIFY_WITHIN_DAYS = 30


def verifications_overdue(user: Any, *, today: date | None = None) -> list[ExpenseApplication]:
    """The user's own approved applications whose spending is not yet verified 30 days
    after their planned date (none sent, or sent back): oldest first, a few."""
    today = today or timezone.localdate()
    return list(
        ExpenseApplication.objects.filter(
            owner=user,
            status=ExpenseApplication.Status.APPROVED,
            planned_on__lt=today - timedelta(days=VERIFY_WITHIN_DAYS),
        )
        .exclude(verification__status=ExpenseVerification.Status.IN_REVIEW)
        .select_related("category")
        .order_by("planned_on", "pk")[:5]
    )


def float_visible_to(user: Any) -> QuerySet[PettyCashFloat]:
    """All (finance, clerks, managers), own regions' (regional managers), or own (holders)."""
    return scope_for_user(
        PettyCashFloat.objects.all(),
        user,
        all_perm="expenses.view_all_pettycash",
        region_perm="expenses.view_region_pettycash",
        owner_field="holder",
    )


def access_float(by: Actor, float_id: Any) -> PettyCashFloat:
    return access_object(float_visible_to(by).select_related("holder", "region"), float_id)


def access_settlement(by: Actor, settlement_id: Any) -> PettyCashSettlement:
    return access_object(
        visible_rows(PettyCashSettlement, by).select_related("petty_float__holder"),
        settlement_id,
    )


def settlement_totals(settlement: PettyCashSettlement) -> list[tuple[ExpenseCategory, Decimal]]:
    """The settlement's spending by category, in the categories' order."""
    totals: dict[int, Decimal] = {}
    for category_id, amount in settlement.entries.values_list("category_id", "amount"):
        totals[category_id] = totals.get(category_id, Decimal("0.00")) + amount
    categories = ExpenseCategory.objects.in_bulk(totals)
    return [
        (categories[pk], total)
        for pk, total in sorted(totals.items(), key=lambda item: categories[item[0]].code)
    ]


SETTLE_BY_DAY = 5


def settlements_due(user: Any, *, today: date | None = None) -> list[tuple[PettyCashFloat, date]]:
    """The months before this one whose petty cash the user holds and has not sent to be
    settled (none made, or a draft): due in the first five days of the next month."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    months = (
        PettyCashEntry.objects.filter(
            petty_float__holder=user,
            petty_float__status=PettyCashFloat.Status.OPEN,
            spent_on__lt=this_month,
        )
        .exclude(settlement__status__in=PettyCashSettlement.LOCKING)
        .values_list("petty_float", "spent_on")
    )
    due = sorted({(float_id, spent_on.replace(day=1)) for float_id, spent_on in months})
    floats = PettyCashFloat.objects.in_bulk({float_id for float_id, _ in due})
    return [(floats[float_id], month) for float_id, month in due[:5]]


def access_entry(by: Actor, entry_id: Any) -> PettyCashEntry:
    return access_object(
        visible_rows(PettyCashEntry, by).select_related("petty_float", "settlement"), entry_id
    )


def budgets_in_use(user: Any, *, today: date | None = None, most: int = 8) -> list[Budget]:
    """The budgets the user sees whose period holds today, with their figures: of each
    region and category the shortest period (this month's before the quarter's and the
    year's), the most used first."""
    today = today or timezone.localdate()
    covering = [
        budget
        for budget in budget_visible_to(user)
        .filter(starts_on__lte=today, starts_on__gte=today.replace(month=1, day=1))
        .select_related("region", "category")
        if period_end(budget.starts_on, budget.period) >= today
    ]
    shortest: dict[tuple[int, int], Budget] = {}
    order = {"month": 0, "quarter": 1, "year": 2}
    for budget in covering:
        scope = (budget.region_id, budget.category_id)
        if scope not in shortest or order[budget.period] < order[shortest[scope].period]:
            shortest[scope] = budget
    budgets = budget_figures(list(shortest.values()))
    for budget in budgets:
        used = budget.committed + budget.spent
        budget.used = used
        budget.used_share = min(100, int(used * 100 / budget.amount)) if budget.amount else 100
    budgets.sort(key=lambda b: (-b.used_share, b.region.code, b.category.code))
    return budgets[:most]


def float_user(petty_float: PettyCashFloat, user: Any) -> bool:
    """Who records a float's spending and settles its months: its holder, or finance for
    them."""
    return petty_float.holder_id == user.pk or user.has_perm("expenses.change_pettycashfloat")
