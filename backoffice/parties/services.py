"""Writes of the customer file (DOMAIN §1). Every write is validated, atomic and audited."""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record_many
from backoffice.core.access import permission_required
from backoffice.core.exceptions import NotAllowed, ValidationFailed
from backoffice.core.money import to_decimal
from backoffice.core.notifications import notify
from backoffice.core.numbering import next_number
from backoffice.core.pinyin import pinyin_keys
from backoffice.core.services import model_save
from backoffice.core.transitions import allowed_transitions, transition
from backoffice.parties.exceptions import DuplicateTaxId, InvalidTaxId
from backoffice.parties.models import (
    CallInventoryLine,
    CallRecord,
    Contact,
    Customer,
    DeliveryAddress,
    Feedback,
    Qualification,
    QualificationType,
    Visit,
)
from backoffice.parties.scans import scan_clean
from backoffice.parties.selectors import qualifications_expiring
from backoffice.parties.validators import uscc_problem
from backoffice.reviews.services import review_submit

CUSTOMER_FIELDS = {*Customer.MASTER_FIELDS, *Customer.BILLING_FIELDS, "region_id", "owner_id"}
WARNING_DAYS = (90, 30, 0)


def _validated(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        raise ValidationFailed(extra={"fields": fields}) from exc


def _check_tax_id(customer: Customer) -> None:
    customer.tax_id = customer.tax_id.strip().upper().replace(" ", "").replace("-", "")
    if not customer.tax_id:
        return
    problem = uscc_problem(customer.tax_id)
    if problem:
        raise InvalidTaxId(
            _("Tax id %(tax_id)s: %(problem)s") % {"tax_id": customer.tax_id, "problem": problem},
            extra={"fields": {"tax_id": [problem]}},
        )
    if customer.is_branch:
        return
    other = (
        Customer.objects.filter(tax_id=customer.tax_id, is_branch=False)
        .exclude(pk=customer.pk)
        .first()
    )
    if other is not None:
        raise DuplicateTaxId(
            _(
                "Customer %(code)s %(name)s already has tax id %(tax_id)s; mark this one as a "
                "branch if it shares the head office's tax id."
            )
            % {"code": other.code, "name": other.name, "tax_id": customer.tax_id},
            extra={"customer_id": other.pk, "fields": {"tax_id": [_("already in use")]}},
        )


def _check_ownership(customer: Customer, by: Any) -> None:
    """A rep keeps only their own customers; a regional manager those of their regions."""
    if by is None or by.has_perm("parties.view_all_customers"):
        return
    if by.has_perm("parties.view_region_customers"):
        if not by.regions.filter(pk=customer.region_id).exists():
            raise NotAllowed(_("You may only keep customers of your own regions."))
        return
    if customer.owner_id != by.pk:
        raise NotAllowed(_("You may only keep your own customers."))


def _apply(customer: Customer, data: dict[str, Any]) -> None:
    unknown = set(data) - CUSTOMER_FIELDS
    if unknown:
        raise ValidationFailed(extra={"fields": {name: [_("unknown field")] for name in unknown}})
    for name, value in data.items():
        setattr(customer, name, value)
    customer.name = customer.name.strip()
    customer.name_pinyin, customer.name_initials = pinyin_keys(customer.name)


def check_customer(customer: Customer, *, by: Any) -> None:
    """The rules a form can check before saving: ownership, the tax id and its uniqueness."""
    _check_ownership(customer, by)
    _check_tax_id(customer)


@permission_required("parties.add_customer")
@transaction.atomic
def customer_create(*, by: Any, **data: Any) -> Customer:
    """Add a customer; the code is generated (CU-YYYY-NNNNNN) when not given."""
    customer = Customer()
    if by is not None and "owner" not in data and "owner_id" not in data:
        data["owner"] = by
    _apply(customer, data)
    if not customer.code:
        customer.code = next_number(kind="CU", year=timezone.localdate().year)
    _check_ownership(customer, by)
    _check_tax_id(customer)
    _validated(customer)
    return model_save(instance=customer, by=by, validate=False)


@transaction.atomic
def customer_bulk_create(
    *, rows: Sequence[Mapping[str, Any]], by: Any, note: str = ""
) -> list[Customer]:
    """Add many customers in batches, each audited as created: the path of imports, whose
    rows passed the import rules (imports.customer_row_check) already. The service keeps
    the last word on what the database would refuse: a code or a head office's tax id
    taken before, or twice here, refuses them all."""
    customers = []
    for row in rows:
        customer = Customer()
        _apply(customer, dict(row))
        if not customer.code:
            customer.code = next_number(kind="CU", year=timezone.localdate().year)
        customer.tax_id = customer.tax_id.strip().upper().replace(" ", "").replace("-", "")
        if customer.tax_id and (problem := uscc_problem(customer.tax_id)):
            raise InvalidTaxId(
                _("Tax id %(tax_id)s: %(problem)s")
                % {"tax_id": customer.tax_id, "problem": problem},
                extra={"fields": {"tax_id": [problem]}},
            )
        if by is not None and not by.has_perm("parties.view_all_customers"):
            _check_ownership(customer, by)
        customers.append(customer)
    _check_bulk_unique(customers)
    customers = Customer.objects.bulk_create(customers, batch_size=2000)
    audit_record_many(by=by, action=AuditEvent.Action.CREATE, objects=customers, note=note)
    return customers


def _check_bulk_unique(customers: list[Customer]) -> None:
    """Codes, and head offices' tax ids, new to the database and to the batch."""
    codes = [c.code for c in customers]
    tax_ids = [c.tax_id for c in customers if c.tax_id and not c.is_branch]
    taken_codes, taken_tax_ids = set(), set()
    for start in range(0, len(customers), 2000):
        taken_codes |= set(
            Customer.objects.filter(code__in=codes[start : start + 2000]).values_list(
                "code", flat=True
            )
        )
        taken_tax_ids |= set(
            Customer.objects.filter(
                tax_id__in=tax_ids[start : start + 2000], is_branch=False
            ).values_list("tax_id", flat=True)
        )
    if taken_codes or len(set(codes)) < len(codes):
        raise ValidationFailed(
            _("These customer codes are taken: %(codes)s.")
            % {"codes": ", ".join(sorted(taken_codes)) or _("the same code twice")},
            extra={"fields": {"code": sorted(taken_codes)}},
        )
    if taken_tax_ids or len(set(tax_ids)) < len(tax_ids):
        raise DuplicateTaxId(
            _("These tax ids belong to other customers: %(tax_ids)s.")
            % {"tax_ids": ", ".join(sorted(taken_tax_ids)) or _("the same tax id twice")},
            extra={"fields": {"tax_id": sorted(taken_tax_ids)}},
        )


@permission_required("parties.change_customer")
@transaction.atomic
def customer_update(*, customer: Customer, by: Any, **data: Any) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    _check_ownership(customer, by)
    _apply(customer, data)
    _check_ownership(customer, by)  # and may not hand it to another rep's region
    _check_tax_id(customer)
    _validated(customer)
    return model_save(instance=customer, by=by, validate=False)


@permission_required("parties.add_contact")
@transaction.atomic
def contact_create(*, customer: Customer, by: Any, **data: Any) -> Contact:
    contact = Contact(customer=customer, **data)
    _validated(contact)
    if contact.is_primary:
        Contact.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
    return model_save(instance=contact, by=by, validate=False)


@permission_required("parties.add_deliveryaddress")
@transaction.atomic
def address_create(*, customer: Customer, by: Any, **data: Any) -> DeliveryAddress:
    address = DeliveryAddress(customer=customer, **data)
    _validated(address)
    if address.is_default:
        DeliveryAddress.objects.filter(customer=customer, is_default=True).update(is_default=False)
    return model_save(instance=address, by=by, validate=False)


# --- Qualification papers ------------------------------------------------------------------


@permission_required("parties.add_qualification")
@transaction.atomic
def qualification_create(
    *,
    customer: Customer,
    by: Any,
    qualification_type: QualificationType,
    number: str,
    valid_from: date,
    valid_to: date,
    issuer: str = "",
    scan: UploadedFile | None = None,
) -> Qualification:
    """Register a paper; it waits as `pending` until submitted for double review."""
    if valid_to < valid_from:
        raise ValidationFailed(
            _("“Valid to” is before “valid from”."),
            extra={"fields": {"valid_to": [_("before valid from")]}},
        )
    paper = Qualification(
        customer=customer,
        qualification_type=qualification_type,
        number=number.strip(),
        issuer=issuer.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        uploaded_by=by,
    )
    if scan is not None:
        paper.scan = scan_clean(scan)
    _validated(paper)
    return model_save(instance=paper, by=by, validate=False)


@permission_required("parties.change_qualification")
@transaction.atomic
def qualification_submit(*, qualification: Qualification, by: Any) -> Qualification:
    """Send a paper to double review (2 clerks, never the uploader). (DOMAIN §1)"""
    if qualification.valid_to < timezone.localdate():
        raise ValidationFailed(_("This paper has already expired; register the renewed one."))
    if not qualification.scan:
        raise ValidationFailed(
            _("Attach the scan before submitting."), extra={"fields": {"scan": [_("required")]}}
        )
    transition(qualification, to=Qualification.Status.IN_REVIEW, by=by)
    review_submit(obj=qualification, by=by)
    return qualification


def qualification_verify(qualification: Qualification, *, by: Any, request: Any) -> None:
    """on_approved of the review: the paper counts from now on."""
    transition(qualification, to=Qualification.Status.VERIFIED, by=by)


def qualification_return(qualification: Qualification, *, by: Any, note: str, request: Any) -> None:
    """on_rejected of the review: the uploader corrects and submits again."""
    transition(qualification, to=Qualification.Status.REJECTED, by=by, note=note)


def _clerks() -> list[Any]:
    return list(get_user_model().objects.filter(is_active=True, groups__name="clerk"))


@transaction.atomic
def qualifications_expiry_run(*, today: date | None = None) -> dict[str, int]:
    """Daily: warn the owner and the clerks 90, 30 and 0 days before a paper expires, and mark
    it expired on that day. A paper is valid through `valid_to`; it expires the day after.

    Each warning is sent once per threshold, so running it twice a day warns nobody twice.
    """
    today = today or timezone.localdate()
    clerks = _clerks()
    warned = expired = 0
    for paper in qualifications_expiring(today=today, within_days=max(WARNING_DAYS)):
        days_left = (paper.valid_to + timedelta(days=1) - today).days
        due = [d for d in WARNING_DAYS if days_left <= d]
        threshold = min(due) if due else None
        if threshold is not None and (
            paper.last_warning_days is None or threshold < paper.last_warning_days
        ):
            names = {"customer": paper.customer.name, "type": paper.qualification_type.name}
            if days_left > 0:
                title = _("%(customer)s: %(type)s expires in %(days)d days") % {
                    **names,
                    "days": days_left,
                }
            else:
                title = _("%(customer)s: %(type)s has expired") % names
            notify(
                recipients=[paper.customer.owner, *clerks],
                title=title,
                body=_("Valid to %(date)s. Ask the customer for the renewed paper.")
                % {"date": paper.valid_to.isoformat()},
                url=f"/parties/customer/{paper.customer_id}/change/",
            )
            Qualification.objects.filter(pk=paper.pk).update(last_warning_days=threshold)
            warned += 1
        if days_left <= 0 and Qualification.Status.EXPIRED in allowed_transitions(paper):
            transition(paper, to=Qualification.Status.EXPIRED, by=None)
            expired += 1
    return {"warned": warned, "expired": expired}


# --- Calls, visits, feedback ---------------------------------------------------------------


@permission_required("parties.add_callrecord")
@transaction.atomic
def call_record(
    *,
    customer: Customer,
    by: Any,
    called_at: Any = None,
    contact: Contact | None = None,
    business_status: str = "",
    market_demand: str = "",
    competitor_notes: str = "",
    next_call_on: date | None = None,
    inventory: list[tuple[Any, Any]] | None = None,
) -> CallRecord:
    """Record a call; the customer's stock is kept as product and quantity rows (DOMAIN §1)."""
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationFailed(extra={"fields": {"contact": [_("not a contact of this customer")]}})
    call = CallRecord(
        customer=customer,
        caller=by,
        called_at=called_at or timezone.now(),
        contact=contact,
        business_status=business_status,
        market_demand=market_demand,
        competitor_notes=competitor_notes,
        next_call_on=next_call_on,
    )
    _validated(call)
    model_save(instance=call, by=by, validate=False)
    lines = []
    for index, (product, quantity) in enumerate(inventory or [], start=1):
        amount = to_decimal(quantity)
        product_id = getattr(product, "pk", product)
        if not product_id or amount < 0:
            raise ValidationFailed(
                _("Stock line %d needs a product and a quantity of 0 or more.") % index,
                extra={"fields": {"inventory": [_("line %d is not valid") % index]}},
            )
        lines.append(CallInventoryLine(call=call, product_id=product_id, quantity=amount))
    CallInventoryLine.objects.bulk_create(lines)
    return call


@permission_required("parties.add_visit")
@transaction.atomic
def visit_record(*, customer: Customer, by: Any, **data: Any) -> Visit:
    visit = Visit(customer=customer, host=data.pop("host", None) or by, **data)
    _validated(visit)
    return model_save(instance=visit, by=by, validate=False)


@permission_required("parties.add_feedback")
@transaction.atomic
def feedback_create(
    *,
    customer: Customer,
    by: Any,
    type: str,
    description: str,
    priority: str = Feedback.Priority.NORMAL,
    assignee: Any = None,
) -> Feedback:
    """Open a ticket; its due date follows from the priority; the assignee is told."""
    if priority not in Feedback.DUE_DAYS:
        raise ValidationFailed(extra={"fields": {"priority": [_("unknown priority")]}})
    ticket = Feedback(
        customer=customer,
        type=type,
        priority=priority,
        description=description,
        assignee=assignee or customer.owner,
        due_on=timezone.localdate() + timedelta(days=Feedback.DUE_DAYS[priority]),
        created_by=by,
    )
    _validated(ticket)
    model_save(instance=ticket, by=by, validate=False)
    notify(
        recipients=[ticket.assignee],
        title=_("Feedback from %(customer)s: %(type)s")
        % {"customer": customer.name, "type": ticket.get_type_display()},
        body=description[:500],
        url=f"/parties/feedback/{ticket.pk}/change/",
    )
    return ticket


@permission_required("parties.change_feedback")
@transaction.atomic
def feedback_start(*, feedback: Feedback, by: Any) -> Feedback:
    return transition(feedback, to=Feedback.Status.IN_PROGRESS, by=by)


def _feedback_step(feedback: Feedback, *, by: Any, to: str, field: str, text: str, missing: str):
    """Keep the required text (response or resolution) on the ticket, then move it."""
    if not text.strip():
        raise ValidationFailed(missing, extra={"fields": {field: [_("required")]}})
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    setattr(feedback, field, text.strip())
    model_save(instance=feedback, by=by, validate=False)
    return transition(feedback, to=to, by=by)


@permission_required("parties.change_feedback")
@transaction.atomic
def feedback_answer(*, feedback: Feedback, by: Any, response: str) -> Feedback:
    """Answer the customer; the response is required and kept on the ticket."""
    return _feedback_step(
        feedback,
        by=by,
        to=Feedback.Status.ANSWERED,
        field="response",
        text=response,
        missing=_("Write the response given to the customer."),
    )


@permission_required("parties.change_feedback")
@transaction.atomic
def feedback_close(*, feedback: Feedback, by: Any, resolution: str) -> Feedback:
    """Close the ticket with how it was resolved; the time to resolve is measured from here."""
    return _feedback_step(
        feedback,
        by=by,
        to=Feedback.Status.CLOSED,
        field="resolution",
        text=resolution,
        missing=_("Say how the matter was resolved."),
    )
