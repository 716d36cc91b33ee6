"""Material issues (领用/发放, issue 17 §5).

draft → submitted (the stock checked, nothing reserved) → two reviewers (clerks or the
warehouse; never whoever asked or entered it) → released: numbered, the stock moved in the
release's transaction, first-expiring batch first, never an expired one; to a rep, into the
rep's bag. A rejection sends it back to draft. What was lent comes back against its lines
(to where it was taken from, at the value it went out with); when all of it is back the
issue is returned. A draft is cancelled; a released issue is undone by its return."""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.bulk import bulk_set
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.lines import line_error, line_pick, line_quantity
from backoffice.core.money import ZERO, format_number
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.materials.models import IssueLine, IssueRequest, Location, MaterialItem, StockMove
from backoffice.materials.selectors import location_visible_to
from backoffice.materials.services.items import bag_of
from backoffice.materials.services.stock import (
    Movement,
    items_locked,
    move_between,
    stock_check,
    stock_post,
    take_out,
    taken_back,
)
from backoffice.reviews.registry import Level
from backoffice.reviews.services import review_submit

# Two people release an issue: clerks or the warehouse (admins change it on the review
# policy page).
REVIEW_LEVELS = [Level(approvals=2, permission="materials.review_issuerequest")]


def _header_errors(
    *,
    by: Actor,
    location: Location,
    purpose: str,
    customer: Any,
    recipient: Any,
    reference: str,
    due_back_on: date | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    P = IssueRequest.Purpose  # noqa: N806 - the purposes, short
    if not location.is_active:
        errors["location"] = [_("no longer in use")]
    elif not location_visible_to(by).filter(pk=location.pk).exists():
        errors["location"] = [_("not a location you may take from")]
    if purpose not in P.values:
        errors["purpose"] = [_("choose from: %s") % ", ".join(P.values)]
    if purpose == P.CUSTOMER and customer is None:
        errors["customer"] = [_("required: to which customer")]
    if purpose != P.CUSTOMER and customer is not None and purpose != P.DELIVERY:
        errors["customer"] = [_("only for an issue to a customer or for a delivery")]
    if purpose == P.REP:
        if recipient is None:
            errors["recipient"] = [_("required: to which rep")]
        elif not recipient.is_active:
            errors["recipient"] = [_("not an active user")]
        elif location.holder_id == recipient.pk:
            errors["recipient"] = [_("already in this rep's bag")]
    elif recipient is not None:
        errors["recipient"] = [_("only for an issue to a rep")]
    if purpose in (P.DELIVERY, P.EVENT) and not reference.strip():
        errors["reference"] = [
            _("required: the delivery number")
            if purpose == P.DELIVERY
            else _("required: the event")
        ]
    if due_back_on is not None:
        if purpose not in IssueRequest.LENDABLE:
            errors["due_back_on"] = [
                _("only what is lent to a customer or for an event comes back")
            ]
        elif due_back_on < timezone.localdate():
            errors["due_back_on"] = [_("cannot be in the past")]
    return errors


def item_lines(lines: Sequence[Mapping[str, Any]]) -> list[tuple[MaterialItem, Decimal]]:
    if not lines:
        raise ValidationFailed(extra={"fields": {"lines": [_("at least one line")]}})
    checked, seen = [], set()
    for index, line in enumerate(lines, start=1):
        item = line.get("item")
        if not isinstance(item, MaterialItem):
            raise line_error(index, "item", _("not an item of the catalog"))
        if not item.is_active:
            raise line_error(index, "item", _("no longer in use"))
        if item.pk in seen:
            raise line_error(index, "item", _("already on another line"))
        seen.add(item.pk)
        checked.append((item, line_quantity(index, line.get("quantity"))))
    return checked


def _region_of(customer: Any, recipient: Any, owner: Any) -> Any:
    if customer is not None and customer.region_id:
        return customer.region
    for person in (recipient, owner):
        if person is not None:
            region = person.regions.order_by("pk").first()
            if region is not None:
                return region
    return None


def _write_lines(issue: IssueRequest, lines: list[tuple[MaterialItem, Decimal]]) -> None:
    IssueLine.objects.bulk_create(
        IssueLine(issue=issue, line_no=index, item=item, quantity=quantity)
        for index, (item, quantity) in enumerate(lines, start=1)
    )


@permission_required("materials.add_issuerequest")
@transaction.atomic
def issue_create(
    *,
    by: Actor,
    location: Location,
    purpose: str,
    lines: Sequence[Mapping[str, Any]],
    customer: Any = None,
    recipient: Any = None,
    reference: str = "",
    due_back_on: date | None = None,
    note: str = "",
) -> IssueRequest:
    """A draft request: what, from where, for whom; `lines` are {item, quantity}."""
    errors = _header_errors(
        by=by,
        location=location,
        purpose=purpose,
        customer=customer,
        recipient=recipient,
        reference=reference,
        due_back_on=due_back_on,
    )
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    checked = item_lines(lines)
    issue = model_save(
        instance=IssueRequest(
            location=location,
            purpose=purpose,
            customer=customer,
            recipient=recipient,
            reference=reference.strip()[:100],
            due_back_on=due_back_on,
            note=note.strip()[:200],
            owner=by,
            region=_region_of(customer, recipient, by),
            created_by=by,
        ),
        by=by,
    )
    _write_lines(issue, checked)
    return issue


def _draft(issue: IssueRequest) -> IssueRequest:
    issue = IssueRequest.objects.select_for_update().get(pk=issue.pk)
    if issue.status != IssueRequest.Status.DRAFT:
        raise ValidationFailed(_("Only a draft issue can be changed."))
    return issue


@permission_required("materials.change_issuerequest")
@transaction.atomic
def issue_update(
    *, issue: IssueRequest, by: Actor, lines: Sequence[Mapping[str, Any]] | None = None
) -> IssueRequest:
    """Save a draft's header as the caller changed it, and its lines when given."""
    _draft(issue)
    errors = _header_errors(
        by=by,
        location=issue.location,
        purpose=issue.purpose,
        customer=issue.customer,
        recipient=issue.recipient,
        reference=issue.reference,
        due_back_on=issue.due_back_on,
    )
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    issue.region = _region_of(issue.customer, issue.recipient, issue.owner)
    model_save(instance=issue, by=by)
    if lines is not None:
        checked = item_lines(lines)
        issue.lines.all().delete()
        _write_lines(issue, checked)
    return issue


def _check_stock(issue: IssueRequest, on: date) -> None:
    """Whether the stock at the issue's location could give every line now (nothing is
    reserved: the release checks again, under lock)."""
    lines = issue.lines.select_related("item").order_by("line_no")
    stock_check([(line.item, issue.location, line.quantity) for line in lines], on=on)


@permission_required("materials.change_issuerequest")
@transaction.atomic
def issue_submit(*, issue: IssueRequest, by: Actor) -> IssueRequest:
    """To its two reviewers, once the stock at its location could give it."""
    issue = IssueRequest.objects.select_for_update().get(pk=issue.pk)
    if issue.status != IssueRequest.Status.DRAFT:
        transition(issue, to=IssueRequest.Status.IN_REVIEW, by=by)  # refuses
    if not issue.lines.exists():
        raise ValidationFailed(extra={"fields": {"lines": [_("at least one line")]}})
    if issue.due_back_on is not None and issue.due_back_on < timezone.localdate():
        raise ValidationFailed(extra={"fields": {"due_back_on": [_("cannot be in the past")]}})
    _check_stock(issue, timezone.localdate())
    transition(issue, to=IssueRequest.Status.IN_REVIEW, by=by, locked=issue)
    review_submit(obj=issue, by=by)
    return issue


def issue_release(issue: IssueRequest, *, by: Actor, request: Any) -> None:
    """on_approved of the review: numbered and the stock moved, in the decision's
    transaction (InsufficientStock, 409, rolls the decision back)."""
    issue = (
        IssueRequest.objects.select_for_update(of=("self",))
        .select_related("location")
        .get(pk=issue.pk)
    )
    today = timezone.localdate()
    lines = list(issue.lines.select_related("item").order_by("line_no"))
    to_bag = issue.purpose == IssueRequest.Purpose.REP
    bag = bag_of(issue.recipient, by=by) if to_bag else None
    locked = items_locked(
        (line.item for line in lines), at=[issue.location, *([bag] if bag else [])]
    )
    issue.number = next_number(kind="MI", year=today.year)  # written on its movements
    if bag is not None:  # into the rep's bag: moved, not used
        posted = move_between(
            source=issue,
            lines=[(line.pk, line.item, line.quantity) for line in lines],
            from_location=issue.location,
            to_location=bag,
            moved_on=today,
            by=by,
            locked=locked,
        )
    else:
        posted = take_out(
            source=issue,
            lines=[(line.pk, line.item, issue.location, line.quantity) for line in lines],
            kind=StockMove.Kind.ISSUE,
            moved_on=today,
            by=by,
            customer=issue.customer,
            locked=locked,
        )
    for line in lines:
        line.value = -posted.value_of_line(line.pk, issue.location)
    bulk_set(IssueLine, lines, ["value"])  # the issue's version moves with its transition
    issue.total_value = sum((line.value for line in lines), ZERO)
    transition(
        issue,
        to=IssueRequest.Status.RELEASED,
        by=by,
        locked=issue,
        also={"number": issue.number, "total_value": issue.total_value},
    )


def issue_return_to_draft(issue: IssueRequest, *, by: Actor, note: str, request: Any) -> None:
    """on_rejected of the review: back to its requester as a draft; nothing moved."""
    transition(issue, to=IssueRequest.Status.DRAFT, by=by, note=note)


@permission_required("materials.change_issuerequest")
@transaction.atomic
def issue_cancel(*, issue: IssueRequest, by: Actor, reason: str = "") -> IssueRequest:
    """A draft is cancelled at once; nothing has moved."""
    issue = IssueRequest.objects.select_for_update().get(pk=issue.pk)
    return transition(
        issue, to=IssueRequest.Status.CANCELLED, by=by, note=reason.strip(), locked=issue
    )


@permission_required("materials.receive_return")
@transaction.atomic
def issue_return(
    *,
    issue: IssueRequest,
    by: Actor,
    lines: Sequence[Mapping[str, Any]],
    returned_on: date | None = None,
    note: str = "",
) -> IssueRequest:
    """What comes back of a released issue, line by line ({line, quantity}): into the
    location it was taken from, in the batches it left (first-expiring first), at the value
    it went out with; out of the rep's bag for an issue to a rep. All back: returned."""
    issue = (
        IssueRequest.objects.select_for_update(of=("self",))
        .select_related("location")
        .get(pk=issue.pk)
    )
    if issue.status != IssueRequest.Status.RELEASED:
        raise ValidationFailed(_("Only a released issue takes returns."))
    today = timezone.localdate()
    returned_on = returned_on or today
    if returned_on > today:
        raise ValidationFailed(extra={"fields": {"returned_on": [_("cannot be in the future")]}})
    own = {
        line.pk: line for line in issue.lines.select_related("item").select_for_update(of=("self",))
    }
    if not lines:
        raise ValidationFailed(extra={"fields": {"lines": [_("at least one line")]}})
    wanted: list[tuple[IssueLine, Decimal]] = []
    seen: set[int] = set()
    for index, row in enumerate(lines, start=1):
        line = line_pick(
            index,
            own,
            row.get("line"),
            seen=seen,
            field="line",
            message=_("not a line of this issue, or given twice"),
        )
        wanted.append((line, line_quantity(index, row.get("quantity"), at_most=line.outstanding)))
    bag = bag_of(issue.recipient, by=by) if issue.purpose == IssueRequest.Purpose.REP else None
    locked = items_locked(
        (line.item for line, _q in wanted),
        at=[issue.location, *([bag] if bag else [])],
    )
    movements: list[Movement] = []
    for line, quantity in wanted:
        for batch, expires_on, take, value in taken_back(
            source=issue, line=line.pk, location=issue.location, quantity=quantity
        ):
            common = {
                "item": locked[line.item_id],
                "batch": batch,
                "expires_on": expires_on,
                "line": line.pk,
                "kind": StockMove.Kind.RETURN,
            }
            if bag is not None:
                movements.append(Movement(location=bag, quantity=-take, value=value, **common))
            movements.append(
                Movement(location=issue.location, quantity=take, value=value, **common)
            )
        line.returned_quantity += quantity
    stock_post(
        movements=movements,
        moved_on=returned_on,
        source=issue,
        by=by,
        customer=issue.customer,
        locked=locked,
    )
    IssueLine.objects.bulk_update([line for line, _q in wanted], ["returned_quantity"])
    audit_record(
        by=by,
        action=AuditEvent.Action.ACTION,
        obj=issue,
        changes={
            "returned": {
                str(line.item): format_number(quantity, "quantity") for line, quantity in wanted
            }
        },
        note=note.strip(),
    )
    if all(line.returned_quantity >= line.quantity for line in own.values()):
        issue = transition(issue, to=IssueRequest.Status.RETURNED, by=by, locked=issue)
    return issue
