"""A customer's credit terms (issue 15 §3): separation of duties.

The credit limit, payment terms, status (suspended, blacklisted) and region are changed only
by people with `parties.change_customer_terms` (clerks, managers); a rep, even the owner, is
refused, the field named. A change of the credit limit or of a block goes, by anyone, through
one reviewer (the reviews engine) before it takes effect: it waits as a
CustomerTermsChange, applied on approval, left unapplied when sent back. Never reviewed by
its requester."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ApplicationError, NotAllowed, ValidationFailed
from backoffice.core.money import round_amount, to_decimal
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.parties.models import Customer, CustomerTermsChange
from backoffice.reviews.services import review_submit

TERMS_PERMISSION = "parties.change_customer_terms"
# The fields only TERMS_PERMISSION changes, as the model names them (and as `_id` for FKs).
TERMS_FIELDS = ("credit_limit", "payment_terms_days", "status", "region")
# A change of these takes effect only once reviewed.
REVIEWED_FIELDS = ("credit_limit", "status")
BLOCKED = frozenset({Customer.Status.SUSPENDED, Customer.Status.BLACKLISTED})
DEFAULT_TERMS = {"credit_limit": Decimal("0.00"), "payment_terms_days": 30}


class TermsChangeOpen(ApplicationError):
    status = 409
    code = "terms_change_open"
    # lazy: a class attribute is made once, at import, before any request's language
    default_message = gettext_lazy(
        "A change of this customer's terms is waiting for review already."
    )


def _status_is_terms(before: str, after: str) -> bool:
    """Suspending, blacklisting and lifting either are terms; prospect → active is not."""
    return before != after and (before in BLOCKED or after in BLOCKED)


def _amount(value: Any) -> Any:
    try:
        return to_decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        return value  # not an amount: the model's validation says so


def terms_changed(before: Customer, after: Customer) -> list[str]:
    """The terms fields `after` changes compared with `before`, in TERMS_FIELDS order."""
    changed = []
    if _amount(before.credit_limit) != _amount(after.credit_limit):
        changed.append("credit_limit")
    if str(before.payment_terms_days) != str(after.payment_terms_days):
        changed.append("payment_terms_days")
    if _status_is_terms(before.status, after.status):
        changed.append("status")
    if before.region_id != after.region_id:
        changed.append("region")
    return changed


def terms_refused(fields: list[str], by: Actor) -> None:
    """403 naming the fields, unless `by` may change terms (the system, None, may)."""
    if not fields or by is None or by.has_perm(TERMS_PERMISSION):
        return
    names = ", ".join(str(Customer._meta.get_field(name).verbose_name) for name in fields)
    raise NotAllowed(
        _("Only a clerk with the permission or a manager may change: %(fields)s.")
        % {"fields": names},
        extra={
            "permission": TERMS_PERMISSION,
            "fields": {name: [_("You may not change this field.")] for name in fields},
        },
    )


def initial_terms_refused(customer: Customer, by: Actor) -> None:
    """A new customer: without the permission, its credit limit and payment terms are the
    defaults and it is not created blocked."""
    fields = [
        name
        for name, default in DEFAULT_TERMS.items()
        if _amount(getattr(customer, name)) != default
    ]
    if customer.status in BLOCKED:
        fields.append("status")
    terms_refused(fields, by)


def terms_change_open(customer: Customer) -> CustomerTermsChange | None:
    return customer.terms_changes.filter(status=CustomerTermsChange.State.IN_REVIEW).first()


@permission_required(TERMS_PERMISSION)
@transaction.atomic
def customer_terms_change_request(
    *,
    customer: Customer,
    by: Actor,
    credit_limit: Any = None,
    customer_status: str = "",
    reason: str = "",
) -> CustomerTermsChange:
    """Ask for a new credit limit and/or status; it takes effect once one reviewer (with
    `parties.review_customer_terms`, never the requester) approves it. One at a time."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if terms_change_open(customer) is not None:
        raise TermsChangeOpen
    fields: dict[str, list[str]] = {}
    if credit_limit is not None and credit_limit != "":
        try:
            credit_limit = round_amount(to_decimal(credit_limit))
        except (TypeError, ValueError, ArithmeticError):
            fields["credit_limit"] = [_("Not an amount.")]
        else:
            if credit_limit < 0:
                fields["credit_limit"] = [_("Must not be negative.")]
            elif credit_limit == customer.credit_limit:
                credit_limit = None
    else:
        credit_limit = None
    if customer_status and customer_status not in Customer.Status.values:
        fields["customer_status"] = [_("Not a status.")]
    elif customer_status == customer.status:
        customer_status = ""
    if fields:
        raise ValidationFailed(extra={"fields": fields})
    if credit_limit is None and not customer_status:
        raise ValidationFailed(_("Nothing to change: give a new credit limit or status."))
    change = model_save(
        instance=CustomerTermsChange(
            customer=customer,
            credit_limit=credit_limit,
            customer_status=customer_status,
            credit_limit_before=customer.credit_limit,
            customer_status_before=customer.status,
            reason=reason.strip(),
            requested_by=by,
        ),
        by=by,
    )
    review_submit(obj=change, by=by)
    return change


def customer_terms_change_apply(change: CustomerTermsChange, *, by: Actor, request: Any) -> None:
    """on_approved: the customer takes the new terms, audited on the customer."""
    customer = Customer.objects.select_for_update().get(pk=change.customer_id)
    if change.credit_limit is not None:
        customer.credit_limit = change.credit_limit
    if change.customer_status:
        customer.status = change.customer_status
    model_save(instance=customer, by=by, validate=False, note=change.reason)
    transition(change, to=CustomerTermsChange.State.APPLIED, by=by)


def customer_terms_change_refuse(
    change: CustomerTermsChange, *, by: Actor, note: str, request: Any
) -> None:
    """on_rejected: the customer keeps its terms."""
    transition(change, to=CustomerTermsChange.State.REFUSED, by=by, note=note)
