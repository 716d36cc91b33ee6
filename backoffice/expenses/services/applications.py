"""Writes of expenses (DOMAIN §7).

An application: draft → submitted (its budgets checked, its amount committed) → reviewed
(the reviews engine: a sales manager; from 50,000 up the general manager as well; admins
edit the levels) → approved, or back to draft. A draft is cancelled by its applicant; an
approved one only through a review with the same levels (issue 15 §20). A general manager
may let a draft exceed its budgets, saying why: the leave holds for its amount, audited."""

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.files import attachment_add, attachments_of
from backoffice.core.lines import line_amount, line_error
from backoffice.core.money import ZERO, positive_amount, round_amount, to_decimal
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.expenses.apps import OTHER_PAYABLES
from backoffice.expenses.exceptions import BudgetExceeded, CategoryInactive, OverApproved
from backoffice.expenses.models import (
    Budget,
    ExpenseApplication,
    ExpenseCategory,
    ExpenseVerification,
    ExpenseVerificationLine,
)
from backoffice.expenses.selectors import budget_figures
from backoffice.ledger.services.journal import journal_post
from backoffice.reviews.models import ReversalRequest
from backoffice.reviews.registry import Level
from backoffice.reviews.reversals import ReviewRequired, reversal_request
from backoffice.reviews.services import review_submit

# A sales manager approves; from 50,000 up the general manager as well (DOMAIN: one per
# level). Admins change both
# on the review policy page; each submission keeps the policy it started with.
DEFAULT_REVIEW_LEVELS = [
    Level(approvals=1, permission="expenses.review_expenseapplication", role="sales_manager"),
    Level(
        approvals=1,
        permission="expenses.review_expenseapplication",
        role="general_manager",
        min_amount=Decimal("50000"),
    ),
]


@permission_required("expenses.add_expenseapplication")
@transaction.atomic
def application_create(
    *,
    by: Actor,
    region: Any,
    category: ExpenseCategory,
    amount: Any,
    purpose: str,
    planned_on: Any,
    customer: Any = None,
    contract: Any = None,
    owner: Any = None,
) -> ExpenseApplication:
    """A draft application; the applicant is `owner` (a clerk entering it for a rep), or
    the one who enters it."""
    if not category.is_active:
        raise CategoryInactive(extra={"fields": {"category": [_("no longer in use")]}})
    if not purpose.strip():
        raise ValidationFailed(extra={"fields": {"purpose": [_("required")]}})
    owner = owner or by
    if not (
        owner.has_perm("expenses.view_all_expenseapplications")
        or owner.regions.filter(pk=region.pk).exists()
    ):
        raise ValidationFailed(
            extra={"fields": {"region": [_("not one of the applicant's regions")]}}
        )
    if contract is not None and customer is not None and contract.counterparty_id != customer.pk:
        raise ValidationFailed(
            extra={"fields": {"contract": [_("a contract with another customer")]}}
        )
    application = ExpenseApplication(
        owner=owner,
        region=region,
        category=category,
        customer=customer,
        contract=contract,
        purpose=purpose.strip(),
        planned_on=planned_on,
        amount=positive_amount(amount),
        created_by=by,
    )
    return model_save(instance=application, by=by)


@permission_required("expenses.add_budget")
@transaction.atomic
def budget_create(
    *,
    by: Actor,
    region: Any,
    category: ExpenseCategory,
    period: str,
    starts_on: Any,
    amount: Any,
    note: str = "",
) -> Budget:
    """A region's budget for a category over a year, a quarter or a month (from its first
    day); one per region, category and period."""
    budget = Budget(
        region=region,
        category=category,
        period=period,
        starts_on=starts_on,
        amount=round_amount(to_decimal(amount)),
        note=note,
    )
    if budget.amount < 0:
        raise ValidationFailed(extra={"fields": {"amount": [_("cannot be negative")]}})
    return model_save(instance=budget, by=by)


@permission_required("expenses.change_expenseapplication")
@transaction.atomic
def application_update(*, application: ExpenseApplication, by: Actor) -> ExpenseApplication:
    """Save a draft's changed fields (audited with before and after). A general manager's
    leave beyond the budget holds only up to the amount it was given for."""
    current = ExpenseApplication.objects.select_for_update().get(pk=application.pk)
    if current.status != ExpenseApplication.Status.DRAFT:
        raise ValidationFailed(_("Only a draft application can be changed."))
    if not application.category.is_active and application.category_id != current.category_id:
        raise CategoryInactive(extra={"fields": {"category": [_("no longer in use")]}})
    application.amount = positive_amount(application.amount)
    return model_save(instance=application, by=by)


def _budgets_check(application: ExpenseApplication) -> None:
    """Every budget that covers the application (its region, category and planned date) must
    have its amount left; their rows are locked, in one order, until the submission ends,
    so that two submissions never both take the last of a budget."""
    override = application.override_amount
    if override is not None and application.amount <= override:
        return  # a general manager's leave (application_override), audited
    budgets = [
        budget
        for budget in Budget.objects.select_for_update()
        .filter(
            region_id=application.region_id,
            category_id=application.category_id,
            starts_on__lte=application.planned_on,
        )
        .order_by("pk")
        if budget.ends_on >= application.planned_on
    ]
    if not budgets:
        raise BudgetExceeded(
            _("%(region)s has no budget for %(category)s on %(date)s.")
            % {
                "region": application.region,
                "category": application.category,
                "date": application.planned_on,
            },
            extra={"available": "0.00"},
        )
    for budget in budget_figures(budgets):
        available = budget.available
        if application.amount > available:
            raise BudgetExceeded(
                _("The budget %(budget)s has %(available)s left; this application asks %(amount)s.")
                % {"budget": budget, "available": available, "amount": application.amount},
                extra={"budget": budget.pk, "available": str(available)},
            )


@permission_required("expenses.change_expenseapplication")
@transaction.atomic
def application_submit(*, application: ExpenseApplication, by: Actor) -> ExpenseApplication:
    """To review, its budgets checked and its amount committed (BudgetExceeded, 409)."""
    application = ExpenseApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ExpenseApplication.Status.DRAFT:
        transition(application, to=ExpenseApplication.Status.IN_REVIEW, by=by)  # refuses
    if not application.category.is_active:
        raise CategoryInactive
    _budgets_check(application)
    transition(application, to=ExpenseApplication.Status.IN_REVIEW, by=by, locked=application)
    review_submit(obj=application, by=by)
    return application


def application_approve(application: ExpenseApplication, *, by: Actor, request: Any) -> None:
    """on_approved of the review: approved, numbered (the transition stamps approved_at)."""
    transition(application, to=ExpenseApplication.Status.APPROVED, by=by)
    application.number = next_number(kind="EA", year=timezone.localdate().year)
    application.save(update_fields=["number"])


def application_return(
    application: ExpenseApplication, *, by: Actor, note: str, request: Any
) -> None:
    """on_rejected of the review: back to draft for the applicant; nothing committed."""
    transition(application, to=ExpenseApplication.Status.DRAFT, by=by, note=note)


@permission_required("expenses.override_budget")
@transaction.atomic
def application_override(
    *, application: ExpenseApplication, by: Actor, reason: str
) -> ExpenseApplication:
    """A general manager lets a draft exceed its budgets, for its amount as it is now,
    saying why (recorded and audited; a larger amount needs leave again)."""
    application = ExpenseApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ExpenseApplication.Status.DRAFT:
        raise ValidationFailed(_("Only a draft application can be allowed beyond its budget."))
    if not reason.strip():
        raise ValidationFailed(extra={"fields": {"reason": [_("required")]}})
    before = [application.override_reason, str(application.override_amount or "")]
    application.override_reason = reason.strip()
    application.override_amount = application.amount
    application.override_by = by
    application.save(update_fields=["override_reason", "override_amount", "override_by"])
    audit_record(
        by=by,
        action=AuditEvent.Action.ACTION,
        obj=application,
        changes={
            "override": [before, [application.override_reason, str(application.amount)]],
        },
    )
    return application


@permission_required("expenses.change_expenseapplication")
@transaction.atomic
def application_cancel(
    *, application: ExpenseApplication, by: Actor, reason: str = ""
) -> ExpenseApplication:
    """Drop a draft. An approved one is cancelled only through a review
    (application_cancel_request)."""
    if ExpenseApplication.objects.get(pk=application.pk).status != (
        ExpenseApplication.Status.DRAFT
    ):
        raise ReviewRequired
    return transition(application, to=ExpenseApplication.Status.CANCELLED, by=by, note=reason)


@permission_required("expenses.change_expenseapplication")
@transaction.atomic
def application_attach(
    *, application: ExpenseApplication, by: Actor, upload: UploadedFile
) -> ExpenseApplication:
    """A paper the application rests on (a quote, an agenda, an invitation), until it is
    verified or cancelled; audited like every attachment."""
    application = ExpenseApplication.objects.select_for_update().get(pk=application.pk)
    if application.status in (
        ExpenseApplication.Status.VERIFIED,
        ExpenseApplication.Status.CANCELLED,
    ):
        raise ValidationFailed(_("A verified or cancelled application takes no more papers."))
    attachment_add(obj=application, by=by, upload=upload)
    return application


@permission_required("expenses.request_expense_cancel")
def application_cancel_request(
    *, application: ExpenseApplication, by: Actor, reason: str
) -> ReversalRequest:
    """Ask to cancel an approved application: once reviewed with its own levels, its
    amount is no longer committed."""
    return reversal_request(obj=application, action="cancel", by=by, reason=reason)


def _verification_lines(
    verification: ExpenseVerification, lines: list[dict[str, Any]]
) -> list[ExpenseVerificationLine]:
    """The lines checked (core.lines), every error of every line under its number; nothing
    saved."""
    if not lines:
        raise ValidationFailed(extra={"fields": {"lines": [_("at least one line")]}})
    today, errors, built = timezone.localdate(), {}, []
    for no, line in enumerate(lines, start=1):
        problems: list[ValidationFailed] = []
        spent_on = line.get("spent_on")
        if spent_on is None or spent_on > today:
            message = _("required") if spent_on is None else _("cannot be in the future")
            problems.append(line_error(no, "spent_on", message))
        description = (line.get("description") or "").strip()
        if not description:
            problems.append(line_error(no, "description", _("required")))
        try:
            amount = line_amount(no, line.get("amount"))
        except ValidationFailed as error:
            problems.append(error)
        if problems:
            errors[str(no)] = {
                field: messages
                for problem in problems
                for field, messages in problem.extra["fields"]["lines"][str(no)].items()
            }
            continue
        built.append(
            ExpenseVerificationLine(
                verification=verification,
                line_no=no,
                spent_on=spent_on,
                description=description[:200],
                amount=amount,
                invoice_number=(line.get("invoice_number") or "").strip()[:40],
            )
        )
    if errors:
        raise ValidationFailed(extra={"fields": {"lines": errors}})
    return built


def _within_approved(application: ExpenseApplication, total: Decimal) -> None:
    allowed = round_amount(application.amount * (1 + application.category.overspend_rate))
    if total > allowed:
        raise OverApproved(
            _("%(total)s spent is more than the %(amount)s approved allows (up to %(allowed)s).")
            % {"total": total, "amount": application.amount, "allowed": allowed},
            extra={"allowed": str(allowed), "total": str(total)},
        )


@permission_required("expenses.change_expenseapplication")
@transaction.atomic
def verification_submit(
    *,
    application: ExpenseApplication,
    by: Actor,
    lines: list[dict[str, Any]],
    scans: list[UploadedFile],
) -> ExpenseVerification:
    """What an approved application cost, with the receipts' scans, to finance's check:
    a new verification, or the draft one sent back, its lines replaced. More than the
    approved amount and its tolerance is refused (OverApproved, 409): that needs a new
    application."""
    application = (
        ExpenseApplication.objects.select_for_update()
        .select_related("category")
        .get(pk=application.pk)
    )
    if application.status != ExpenseApplication.Status.APPROVED:
        raise ValidationFailed(_("Only an approved application is verified."))
    verification = ExpenseVerification.objects.filter(application=application).first()
    if verification is None:
        verification = ExpenseVerification(application=application, created_by=by)
    elif verification.status != ExpenseVerification.Status.DRAFT:
        raise ValidationFailed(_("This application's verification is already with finance."))
    built = _verification_lines(verification, lines)
    total = sum((line.amount for line in built), Decimal("0.00"))
    _within_approved(application, total)
    if not scans and not (verification.pk and attachments_of(verification).exists()):
        raise ValidationFailed(extra={"fields": {"scans": [_("attach the receipts' scans")]}})
    verification.total = total
    verification.save()
    before = [(l.description, str(l.amount)) for l in verification.lines.all()]  # noqa: E741
    verification.lines.all().delete()
    ExpenseVerificationLine.objects.bulk_create(built)
    for scan in scans:
        attachment_add(obj=verification, by=by, upload=scan)
    audit_record(
        by=by,
        action=AuditEvent.Action.UPDATE,
        obj=verification,
        changes={"lines": [before, [(l.description, str(l.amount)) for l in built]]},  # noqa: E741
    )
    transition(verification, to=ExpenseVerification.Status.IN_REVIEW, by=by)
    review_submit(obj=verification, by=by)
    return verification


def verification_approve(verification: ExpenseVerification, *, by: Actor, request: Any) -> None:
    """on_approved of finance's check: verified and posted (the category's expense account
    against what is owed to the applicant); the application is verified, its unused part
    back in the budget."""
    transition(verification, to=ExpenseVerification.Status.VERIFIED, by=by)
    application = verification.application
    today = timezone.localdate()
    number = next_number(kind="EV", year=today.year)
    entry = journal_post(
        posted_on=today,
        source_model="expenses.expenseverification",
        source_id=verification.pk,
        source_number=number,
        memo=f"{application} · {application.owner}",
        lines=[
            (application.category.account_code, application.customer_id, verification.total, ZERO),
            (OTHER_PAYABLES, None, ZERO, verification.total),
        ],
        by=by,
    )
    ExpenseVerification.objects.filter(pk=verification.pk).update(
        number=number, journal_entry=entry
    )
    transition(
        application,
        to=ExpenseApplication.Status.VERIFIED,
        by=by,
        also={"spent": verification.total},
    )


def verification_return(
    verification: ExpenseVerification, *, by: Actor, note: str, request: Any
) -> None:
    """on_rejected: back to the applicant as a draft, to be corrected and sent again."""
    transition(verification, to=ExpenseVerification.Status.DRAFT, by=by, note=note)


def application_cancel_approved(
    application: ExpenseApplication, *, by: Actor, reason: str
) -> ExpenseApplication:
    """The reviewed cancellation of an approved application (registered with reviews)."""
    if ExpenseApplication.objects.get(pk=application.pk).status != (
        ExpenseApplication.Status.APPROVED
    ):
        raise ValidationFailed(_("Only an approved application is cancelled through a review."))
    if (
        ExpenseVerification.objects.filter(application=application)
        .exclude(status=ExpenseVerification.Status.DRAFT)
        .exists()
    ):
        raise ValidationFailed(
            _("Its verification is with finance: it can no longer be cancelled.")
        )
    return transition(application, to=ExpenseApplication.Status.CANCELLED, by=by, note=reason)
