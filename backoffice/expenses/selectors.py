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
    ExpenseVerification,
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
