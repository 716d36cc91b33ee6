"""Writes of petty cash (备用金, DOMAIN §7; issue 18 §5).

A float is issued by finance to a named holder: the holder owes it (1221 other receivables)
and the cash left the bank or the till. The holder pays small expenses out of it, each an
entry with its receipt's scan; cash on hand never goes below zero, under concurrency too
(the float's row is locked and its `cash_on_hand` checked by the database). At month end the
month's entries are settled: approved by the sales manager and then finance (the reviews
engine), then posted (the categories' expense accounts against the receivable) and the float
topped up to its amount from where it came; a month in review or settled is locked. Returning the
float, after its last settlement, closes it.

Invariant: float amount = cash on hand + the entries not yet settled."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.files import attachment_add
from backoffice.core.money import ZERO, positive_amount
from backoffice.core.numbering import next_number
from backoffice.core.periods import period_end, period_start
from backoffice.core.services import model_delete, model_save
from backoffice.core.transitions import transition
from backoffice.expenses.apps import OTHER_RECEIVABLES
from backoffice.expenses.exceptions import CategoryInactive, InsufficientCash, PeriodLocked
from backoffice.expenses.models import (
    ExpenseCategory,
    PettyCashEntry,
    PettyCashFloat,
    PettyCashSettlement,
)
from backoffice.expenses.selectors import float_user, settlement_totals
from backoffice.ledger.services.journal import journal_post
from backoffice.reviews.registry import Level
from backoffice.reviews.services import review_submit

# The sales manager approves a month's settlement, then finance settles it (admins may
# change both on the review policy page).
SETTLEMENT_LEVELS = [
    Level(approvals=1, permission="expenses.review_pettycashsettlement", role="sales_manager"),
    Level(approvals=1, permission="expenses.settle_pettycash", role="finance"),
]


def _locked_float(petty_float: PettyCashFloat) -> PettyCashFloat:
    return PettyCashFloat.objects.select_for_update().get(pk=petty_float.pk)


@permission_required("expenses.add_pettycashfloat")
@transaction.atomic
def float_issue(
    *,
    by: Actor,
    holder: Any,
    amount: Any,
    source: str = PettyCashFloat.Source.BANK,
    issued_on: date | None = None,
    note: str = "",
) -> PettyCashFloat:
    """Finance hands a float to `holder`: posted as the holder's debt (1221) against cash
    or the bank. One open float per holder."""
    if not getattr(holder, "is_active", False):
        raise ValidationFailed(extra={"fields": {"holder": [_("not an active user")]}})
    if holder.pk == by.pk:
        raise ValidationFailed(
            extra={"fields": {"holder": [_("finance issues it to someone else")]}}
        )
    if not holder.has_perm("expenses.add_pettycashentry"):
        raise ValidationFailed(
            extra={"fields": {"holder": [_("this person's role keeps no petty cash")]}}
        )
    # two issues to one person at once: the second waits here, then finds the first
    type(holder).objects.select_for_update().filter(pk=holder.pk).first()
    if source not in PettyCashFloat.Source.values:
        raise ValidationFailed(extra={"fields": {"source": [_("cash or bank")]}})
    today = timezone.localdate()
    issued_on = issued_on or today
    if issued_on > today:
        raise ValidationFailed(extra={"fields": {"issued_on": [_("cannot be in the future")]}})
    amount = positive_amount(amount)
    if PettyCashFloat.objects.filter(holder=holder, status=PettyCashFloat.Status.OPEN).exists():
        raise ValidationFailed(
            extra={"fields": {"holder": [_("This person already holds an open float.")]}}
        )
    petty_float = PettyCashFloat(
        number=next_number(kind="PF", year=issued_on.year),
        holder=holder,
        region=holder.regions.order_by("pk").first(),
        amount=amount,
        cash_on_hand=amount,
        source=source,
        issued_on=issued_on,
        note=note.strip()[:200],
        issued_by=by,
    )
    model_save(instance=petty_float, by=by)
    entry = journal_post(
        posted_on=issued_on,
        source_model="expenses.pettycashfloat",
        source_id=petty_float.pk,
        source_number=petty_float.number,
        memo=_("Petty cash to %(holder)s") % {"holder": holder},
        lines=[(OTHER_RECEIVABLES, None, amount, ZERO), (source, None, ZERO, amount)],
        by=by,
    )
    PettyCashFloat.objects.filter(pk=petty_float.pk).update(journal_entry=entry)
    petty_float.journal_entry = entry
    return petty_float


def _month_open(petty_float: PettyCashFloat, month: date) -> None:
    """A month whose settlement is in review or settled takes no more entries."""
    settlement = (
        PettyCashSettlement.objects.filter(petty_float=petty_float, month=month)
        .exclude(status=PettyCashSettlement.Status.DRAFT)
        .first()
    )
    if settlement is not None:
        raise PeriodLocked(
            _("%(month)s of this float is %(status)s (%(number)s): it is locked.")
            % {
                "month": date_format(month, "YEAR_MONTH_FORMAT"),
                "status": settlement.get_status_display(),
                "number": settlement.number,
            },
            extra={"settlement": settlement.pk},
        )


def _may_use(petty_float: PettyCashFloat, by: Actor) -> None:
    if not float_user(petty_float, by):
        raise ValidationFailed(_("Only its holder or finance enters this float's spending."))


@permission_required("expenses.add_pettycashentry")
@transaction.atomic
def entry_create(
    *,
    by: Actor,
    petty_float: PettyCashFloat,
    spent_on: date,
    category: ExpenseCategory,
    amount: Any,
    description: str,
    invoice_number: str = "",
    scan: UploadedFile | None = None,
) -> PettyCashEntry:
    """A payment out of the float, with its receipt's scan. More than the cash on hand is
    refused (InsufficientCash, 409), as is a day of a locked month (PeriodLocked, 409)."""
    amount = positive_amount(amount)
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = [_("required")]
    if scan is None:
        errors["scan"] = [_("attach the receipt's scan")]
    if spent_on > timezone.localdate():
        errors["spent_on"] = [_("cannot be in the future")]
    elif spent_on < petty_float.issued_on:
        errors["spent_on"] = [_("before the float was issued")]
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    if not category.is_active:
        raise CategoryInactive(extra={"fields": {"category": [_("no longer in use")]}})
    if category.group != ExpenseCategory.Group.OPERATIONS:
        raise ValidationFailed(
            extra={
                "fields": {
                    "category": [_("a marketing expense needs an application, not petty cash")]
                }
            }
        )
    petty_float = _locked_float(petty_float)
    _may_use(petty_float, by)
    if petty_float.status != PettyCashFloat.Status.OPEN:
        raise ValidationFailed(_("This float is returned."))
    _month_open(petty_float, period_start(spent_on, "month"))
    if amount > petty_float.cash_on_hand:
        raise InsufficientCash(
            _("%(holder)s has %(cash)s on hand; this entry is %(amount)s.")
            % {"holder": petty_float.holder, "cash": petty_float.cash_on_hand, "amount": amount},
            extra={"cash_on_hand": str(petty_float.cash_on_hand)},
        )
    draft = (
        PettyCashSettlement.objects.select_for_update()
        .filter(petty_float=petty_float, month=period_start(spent_on, "month"))
        .first()
    )  # a draft (a settlement under way has locked the month above): it holds the entry
    entry = model_save(
        instance=PettyCashEntry(
            settlement=draft,
            petty_float=petty_float,
            spent_on=spent_on,
            category=category,
            amount=amount,
            description=description.strip()[:200],
            invoice_number=invoice_number.strip()[:40],
            created_by=by,
        ),
        by=by,
    )
    PettyCashFloat.objects.filter(pk=petty_float.pk).update(
        cash_on_hand=petty_float.cash_on_hand - amount
    )
    if draft is not None:
        PettyCashSettlement.objects.filter(pk=draft.pk).update(total=F("total") + amount)
    attachment_add(obj=entry, by=by, upload=scan)
    return entry


@permission_required("expenses.delete_pettycashentry")
@transaction.atomic
def entry_delete(*, entry: PettyCashEntry, by: Actor) -> None:
    """Take back an entry not yet settled (its settlement, if any, still a draft): the cash
    is on hand again."""
    petty_float = _locked_float(entry.petty_float)
    _may_use(petty_float, by)
    entry = PettyCashEntry.objects.select_related("settlement").get(pk=entry.pk)
    model_delete(instance=entry, by=by)  # refuses one in a settlement under way
    PettyCashFloat.objects.filter(pk=petty_float.pk).update(
        cash_on_hand=petty_float.cash_on_hand + entry.amount
    )
    if entry.settlement_id is not None:  # its month's draft no longer holds it
        PettyCashSettlement.objects.filter(pk=entry.settlement_id).update(
            total=F("total") - entry.amount
        )


def _gather(settlement: PettyCashSettlement) -> Decimal:
    """The month's entries not yet in a settlement join it; its total is theirs."""
    month = settlement.month
    PettyCashEntry.objects.filter(
        petty_float_id=settlement.petty_float_id,
        settlement__isnull=True,
        spent_on__gte=month,
        spent_on__lte=period_end(month, "month"),
    ).update(settlement=settlement)
    amounts = settlement.entries.values_list("amount", flat=True)
    return sum(amounts, Decimal("0.00"))


@permission_required("expenses.add_pettycashsettlement")
@transaction.atomic
def settlement_create(
    *, by: Actor, petty_float: PettyCashFloat, month: date
) -> PettyCashSettlement:
    """A draft settlement of the float's month, holding the month's entries. One per float
    and month; never a month still to come."""
    petty_float = _locked_float(petty_float)
    _may_use(petty_float, by)
    month = period_start(month, "month")
    if month > timezone.localdate().replace(day=1) - timedelta(days=1):
        raise ValidationFailed(
            extra={"fields": {"month": [_("a month not over yet: settle it once it ends")]}}
        )
    if petty_float.status != PettyCashFloat.Status.OPEN:
        raise ValidationFailed(_("This float is returned."))
    if PettyCashSettlement.objects.filter(petty_float=petty_float, month=month).exists():
        raise ValidationFailed(
            extra={"fields": {"month": [_("This float's month already has a settlement.")]}}
        )
    settlement = model_save(
        instance=PettyCashSettlement(
            number=next_number(kind="PS", year=month.year),
            petty_float=petty_float,
            month=month,
            created_by=by,
        ),
        by=by,
    )
    settlement.total = _gather(settlement)
    settlement.save(update_fields=["total"])
    return settlement


@permission_required("expenses.change_pettycashsettlement")
@transaction.atomic
def settlement_submit(*, settlement: PettyCashSettlement, by: Actor) -> PettyCashSettlement:
    """To the sales manager and finance, with every entry of its month; from now on the
    month takes no entries."""
    petty_float = _locked_float(settlement.petty_float)
    _may_use(petty_float, by)
    settlement = PettyCashSettlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.status != PettyCashSettlement.Status.DRAFT:
        transition(settlement, to=PettyCashSettlement.Status.IN_REVIEW, by=by)  # refuses
    total = _gather(settlement)
    if not total:
        raise ValidationFailed(_("This month has no petty cash spending to settle."))
    settlement = transition(
        settlement,
        to=PettyCashSettlement.Status.IN_REVIEW,
        by=by,
        locked=settlement,
        also={"total": total},
    )
    review_submit(obj=settlement, by=by)
    return settlement


def settlement_settle(settlement: PettyCashSettlement, *, by: Actor, request: Any) -> None:
    """on_approved of the last level (finance): settled and posted. The spending goes to
    the categories' expense accounts against the holder's receivable, and the top-up from
    the bank restores the float; its month is locked for good."""
    petty_float = _locked_float(settlement.petty_float)
    settlement = transition(
        settlement,
        to=PettyCashSettlement.Status.SETTLED,
        by=by,
    )
    total = settlement.total
    lines = [
        (category.account_code, None, amount, ZERO)
        for category, amount in settlement_totals(settlement)
    ]
    lines += [
        (OTHER_RECEIVABLES, None, ZERO, total),  # the holder's receipts settle their debt
        (OTHER_RECEIVABLES, None, total, ZERO),  # and the top-up lends it again
        (petty_float.source, None, ZERO, total),  # from where the float came from
    ]
    entry = journal_post(
        posted_on=timezone.localdate(),
        source_model="expenses.pettycashsettlement",
        source_id=settlement.pk,
        source_number=settlement.number,
        memo=_("Petty cash of %(holder)s, %(month)s")
        % {"holder": petty_float.holder, "month": f"{settlement.month:%Y-%m}"},
        lines=lines,
        by=by,
    )
    PettyCashSettlement.objects.filter(pk=settlement.pk).update(journal_entry=entry)
    PettyCashFloat.objects.filter(pk=petty_float.pk).update(
        cash_on_hand=petty_float.cash_on_hand + total
    )
    audit_record(
        by=by,
        action=AuditEvent.Action.ACTION,
        obj=petty_float,
        changes={
            "cash_on_hand": [str(petty_float.cash_on_hand), str(petty_float.cash_on_hand + total)]
        },
    )


def settlement_return(
    settlement: PettyCashSettlement, *, by: Actor, note: str, request: Any
) -> None:
    """on_rejected: back to the holder as a draft; its month takes entries again."""
    transition(settlement, to=PettyCashSettlement.Status.DRAFT, by=by, note=note)


@permission_required("expenses.change_pettycashfloat")
@transaction.atomic
def float_return(
    *, petty_float: PettyCashFloat, by: Actor, returned_on: date | None = None
) -> PettyCashFloat:
    """The holder hands the float back (to where it came from): closed, after its last
    settlement. Spending not yet settled must be settled first."""
    petty_float = _locked_float(petty_float)
    unsettled = (
        PettyCashEntry.objects.filter(petty_float=petty_float)
        .exclude(settlement__status=PettyCashSettlement.Status.SETTLED)
        .count()
    )
    if unsettled:
        raise ValidationFailed(
            _("%(count)s entries of this float are not settled yet: settle them first.")
            % {"count": unsettled}
        )
    returned_on = returned_on or timezone.localdate()
    if returned_on < petty_float.issued_on or returned_on > timezone.localdate():
        raise ValidationFailed(extra={"fields": {"returned_on": [_("not a possible date")]}})
    amount = petty_float.cash_on_hand
    entry = journal_post(
        posted_on=returned_on,
        source_model="expenses.pettycashfloat",
        source_id=petty_float.pk,
        source_number=petty_float.number,
        memo=_("Petty cash returned by %(holder)s") % {"holder": petty_float.holder},
        lines=[(petty_float.source, None, amount, ZERO), (OTHER_RECEIVABLES, None, ZERO, amount)],
        by=by,
    )
    return transition(
        petty_float,
        to=PettyCashFloat.Status.RETURNED,
        by=by,
        locked=petty_float,
        also={"returned_on": returned_on, "return_entry": entry, "cash_on_hand": ZERO},
    )
