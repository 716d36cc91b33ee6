"""Writes of contracts (DOMAIN §3); the rules a supplier invoice on a purchase contract obeys
(the ledger records the invoice).

Life cycle: draft (from a template) → review (the reviews engine: one reviewer, a second
level from an amount up) → approved → signed with the scan → active → completed, terminated
or expired. Completed (by fulfilment) and expired (by date) are set by the daily jobs.
"""

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.catalog.models import Product
from backoffice.catalog.selectors import policy_price
from backoffice.contracts.exceptions import ScanRequired, UnknownPlaceholder
from backoffice.contracts.models import (
    Contract,
    ContractKind,
    ContractLine,
    ContractMilestone,
    ContractTemplate,
)
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.files import attachment_add
from backoffice.core.lines import (
    line_amount,
    line_error,
    line_gross,
    line_price,
    line_quantity,
)
from backoffice.core.money import (
    rmb_upper,
    round_amount,
    sum_amounts,
    to_decimal,
)
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.parties.models import Customer
from backoffice.reviews.models import ReversalRequest
from backoffice.reviews.registry import Level
from backoffice.reviews.reversals import ReviewRequired, reversal_request
from backoffice.reviews.services import review_submit

# One reviewer by default; from 1,000,000 up the general manager reviews as well. Admins
# change both on the review policy page; each submission keeps the policy it started with.
DEFAULT_REVIEW_LEVELS = [
    Level(approvals=1, permission="contracts.review_contract"),
    Level(
        approvals=1,
        permission="contracts.review_contract",
        role="general_manager",
        min_amount=Decimal("1000000"),
    ),
]

PLACEHOLDERS = {
    "number": gettext_lazy("contract number"),
    "title": gettext_lazy("title"),
    "counterparty": gettext_lazy("counterparty's name"),
    "counterparty_tax_id": gettext_lazy("counterparty's tax id"),
    "counterparty_address": gettext_lazy("counterparty's billing address"),
    "starts_on": gettext_lazy("valid from"),
    "ends_on": gettext_lazy("valid until"),
    "amount": gettext_lazy("contract amount"),
    "amount_words": gettext_lazy("contract amount in Chinese capitals"),
    "payment_terms": gettext_lazy("payment terms"),
    "delivery_terms": gettext_lazy("delivery terms"),
    "lines": gettext_lazy("the lines, one per row"),
    "owner": gettext_lazy("owner"),
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def template_check(body: str) -> None:
    unknown = sorted({name for name in _PLACEHOLDER.findall(body) if name not in PLACEHOLDERS})
    if unknown:
        raise UnknownPlaceholder(
            _("Unknown placeholders: %(names)s. Known: %(known)s.")
            % {
                "names": ", ".join("{" + name + "}" for name in unknown),
                "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
            },
            extra={"fields": {"body": [_("unknown placeholder")]}, "unknown": unknown},
        )


def contract_text(template_body: str, contract: Contract, lines: list[ContractLine]) -> str:
    """The template with its placeholders filled from the contract."""
    template_check(template_body)
    party = contract.counterparty
    values = {
        "number": contract.number,
        "title": contract.title,
        "counterparty": party.legal_name or party.name,
        "counterparty_tax_id": party.tax_id,
        "counterparty_address": party.address,
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
        "amount": f"{contract.amount:,.2f}",
        "amount_words": rmb_upper(contract.amount),
        "payment_terms": contract.payment_terms,
        "delivery_terms": contract.delivery_terms,
        "lines": "\n".join(
            f"{line.line_no}. {line.product or line.description}"
            + (f" × {line.quantity} @ {line.unit_price}" if line.product_id else "")
            + f" = {line.amount:,.2f}"
            for line in lines
        ),
        "owner": contract.owner.get_full_name() or contract.owner.username,
    }
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), template_body)


@permission_required("contracts.change_contracttemplate")
@transaction.atomic
def template_save(*, template: ContractTemplate, by: Actor) -> ContractTemplate:
    template_check(template.body)
    return model_save(instance=template, by=by)


def _build_lines(contract: Contract, lines: list[dict[str, Any]]) -> list[ContractLine]:
    """Product lines take the counterparty's policy price unless a price is given; amount-only
    lines need a description and an amount."""
    product_ids = [getattr(line.get("product"), "pk", line.get("product")) for line in lines]
    products = Product.objects.in_bulk([pk for pk in product_ids if pk])
    built = []
    for index, (line, product_id) in enumerate(zip(lines, product_ids, strict=True), start=1):
        description = (line.get("description") or "").strip()[:200]
        if product_id:
            product = products.get(product_id)
            if product is None:
                raise line_error(index, "product", _("unknown product"))
            quantity = line_quantity(index, line.get("quantity"))
            given = line.get("unit_price")
            if given in (None, ""):
                given = policy_price(
                    product=product,
                    customer_kind=contract.counterparty.kind,
                    region_id=contract.counterparty.region_id,
                    on=contract.starts_on,
                )
            unit_price = line_price(index, given)
            amount = line_gross(index, quantity, unit_price)
        else:
            product, quantity, unit_price = None, None, None
            if not description:
                raise line_error(
                    index, "description", _("a line without a product needs a description")
                )
            amount = line_amount(index, line.get("amount"))
        built.append(
            ContractLine(
                contract=contract,
                line_no=index,
                product=product,
                description=description,
                quantity=quantity,
                unit_price=unit_price,
                amount=amount,
            )
        )
    return built


def _build_milestones(
    contract: Contract, milestones: list[dict[str, Any]]
) -> list[ContractMilestone]:
    built = []
    for index, row in enumerate(milestones, start=1):
        amount = round_amount(to_decimal(row.get("amount") or "0"))
        kind = row.get("kind")
        due_on = row.get("due_on")
        errors = {}
        if kind not in ContractMilestone.Kind.values:
            errors["kind"] = [_("delivery or payment")]
        if not isinstance(due_on, date):
            errors["due_on"] = [_("a date is required")]
        if amount <= 0:
            errors["amount"] = [_("must be more than 0")]
        elif contract.amount and amount > contract.amount:
            errors["amount"] = [_("more than the contract amount")]
        if errors:
            raise ValidationFailed(
                _("Milestone %d is not valid.") % index,
                extra={"fields": {"milestones": {str(index): errors}}},
            )
        built.append(
            ContractMilestone(
                contract=contract,
                kind=kind,
                due_on=due_on,
                amount=amount,
                description=(row.get("description") or "").strip()[:200],
            )
        )
    return built


def _check_header(contract: Contract) -> None:
    errors = {}
    if not contract.title.strip():
        errors["title"] = [_("required")]
    if contract.kind not in ContractKind.values:
        errors["kind"] = [_("unknown kind")]
    if contract.ends_on < contract.starts_on:
        errors["ends_on"] = [_("the contract must end on or after its start")]
    if errors:
        raise ValidationFailed(_("The contract is not complete."), extra={"fields": errors})


def _apply_lines(
    contract: Contract,
    lines: list[dict[str, Any]],
    milestones: list[dict[str, Any]],
    amount: Any,
) -> tuple[list[ContractLine], list[ContractMilestone]]:
    built = _build_lines(contract, lines)
    if built:
        total = sum_amounts(line.amount for line in built)
        if amount not in (None, "") and round_amount(to_decimal(amount)) != total:
            raise ValidationFailed(
                _("The amount %(amount)s differs from the sum of the lines %(total)s.")
                % {"amount": round_amount(to_decimal(amount)), "total": total},
                extra={"fields": {"amount": [_("differs from the lines")]}},
            )
        contract.amount = total
    else:
        contract.amount = round_amount(to_decimal(amount or "0"))
        if contract.amount < 0:
            raise ValidationFailed(extra={"fields": {"amount": [_("cannot be negative")]}})
    return built, _build_milestones(contract, milestones)


def contract_check(
    *, contract: Contract, lines: list[dict[str, Any]], amount: Any = None
) -> list[ContractLine]:
    """The lines a contract would get, checked, without saving anything (for forms)."""
    _check_header(contract)
    return _apply_lines(contract, lines, [], amount)[0]


@permission_required("contracts.add_contract")
@transaction.atomic
def contract_create(
    *,
    kind: str,
    counterparty: Customer,
    by: Actor,
    title: str,
    starts_on: date,
    ends_on: date,
    lines: list[dict[str, Any]] | None = None,
    milestones: list[dict[str, Any]] | None = None,
    amount: Any = None,
    template: ContractTemplate | None = None,
    payment_terms: str | None = None,
    delivery_terms: str | None = None,
    note: str = "",
) -> Contract:
    """A draft contract, numbered CT-YYYY-NNNNNN now (drafts are cancelled, never deleted, so
    the series stays gapless). The text is the template's with the placeholders filled."""
    if template is not None and (not template.is_active or template.kind != kind):
        raise ValidationFailed(
            extra={"fields": {"template": [_("an active template of this contract's kind")]}}
        )
    contract = Contract(
        kind=kind,
        title=title.strip()[:200],
        counterparty=counterparty,
        owner_id=counterparty.owner_id,
        region_id=counterparty.region_id,
        template=template,
        starts_on=starts_on,
        ends_on=ends_on,
        payment_terms=(
            payment_terms if payment_terms is not None else getattr(template, "payment_terms", "")
        ),
        delivery_terms=(
            delivery_terms
            if delivery_terms is not None
            else getattr(template, "delivery_terms", "")
        ),
        note=note,
        created_by=by,
    )
    _check_header(contract)
    built, built_milestones = _apply_lines(contract, lines or [], milestones or [], amount)
    contract.number = next_number(kind="CT", year=starts_on.year)
    if template is not None:
        contract.body = contract_text(template.body, contract, built)
    model_save(instance=contract, by=by, validate=False)
    ContractLine.objects.bulk_create(built)
    ContractMilestone.objects.bulk_create(built_milestones)
    return contract


@permission_required("contracts.change_contract")
@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    by: Actor,
    lines: list[dict[str, Any]],
    milestones: list[dict[str, Any]] | None = None,
    amount: Any = None,
) -> Contract:
    """A draft's header (already set on `contract`), lines and milestones; the text is
    filled again from the template."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status != Contract.Status.DRAFT:
        raise ValidationFailed(_("Only a draft contract can change."))
    _check_header(contract)
    built, built_milestones = _apply_lines(contract, lines, milestones or [], amount)
    before = [(line.product_id, line.description, str(line.amount)) for line in locked.lines.all()]
    contract.lines.all().delete()
    contract.milestones.all().delete()
    ContractLine.objects.bulk_create(built)
    ContractMilestone.objects.bulk_create(built_milestones)
    if contract.template_id:
        contract.body = contract_text(contract.template.body, contract, built)
    model_save(instance=contract, by=by, validate=False)
    audit_record(
        by=by,
        action=AuditEvent.Action.UPDATE,
        obj=contract,
        changes={"lines": [before, [(b.product_id, b.description, str(b.amount)) for b in built]]},
    )
    return contract


@permission_required("contracts.change_contract")
@transaction.atomic
def contract_submit(*, contract: Contract, by: Actor) -> Contract:
    """To internal review; a contract says what it is worth, by its lines or its amount."""
    if not contract.lines.exists() and contract.kind != ContractKind.FRAMEWORK:
        raise ValidationFailed(
            _("A contract needs at least one line (only a framework agreement may have none)."),
            extra={"fields": {"lines": [_("required")]}},
        )
    transition(contract, to=Contract.Status.IN_REVIEW, by=by)
    review_submit(obj=contract, by=by)
    return contract


def contract_approve(contract: Contract, *, by: Actor, request: Any) -> None:
    """on_approved of the review: ready to be signed (the transition stamps approved_at)."""
    transition(contract, to=Contract.Status.APPROVED, by=by)


def contract_return(contract: Contract, *, by: Actor, note: str, request: Any) -> None:
    """on_rejected of the review: back to draft for the author."""
    transition(contract, to=Contract.Status.DRAFT, by=by, note=note)


@permission_required("contracts.sign_contract")
@transaction.atomic
def contract_sign(
    *, contract: Contract, by: Actor, signed_on: date, scan: UploadedFile | None
) -> Contract:
    """Record the signature, with the scan of the signed contract; in force from its start."""
    if scan is None:
        raise ScanRequired(extra={"fields": {"scan": [_("required")]}})
    today = timezone.localdate()
    if signed_on > today:
        raise ValidationFailed(extra={"fields": {"signed_on": [_("cannot be in the future")]}})
    in_force = contract.starts_on <= today
    contract = transition(
        contract,
        to=Contract.Status.ACTIVE if in_force else Contract.Status.SIGNED,
        by=by,
    )
    attachment_add(obj=contract, by=by, upload=scan)
    contract.signed_on = signed_on
    contract.signed_by = by
    contract.save(update_fields=["signed_on", "signed_by", "updated_at"])
    audit_record(
        by=by,
        action=AuditEvent.Action.ACTION,
        obj=contract,
        changes={"signed_on": [None, signed_on.isoformat()]},
    )
    return contract


@permission_required("contracts.request_contract_end")
def contract_terminate(
    *, contract: Contract, by: Actor, reason: str, ended_on: date | None = None
) -> ReversalRequest:
    """Ask to end a contract in force early, saying why: it ends once reviewed with the
    contract's own levels, never by the asker (issue 15 §20)."""
    return reversal_request(
        obj=contract,
        action="terminate",
        by=by,
        reason=reason,
        arguments={"ended_on": ended_on} if ended_on else {},
    )


def contract_terminate_approved(
    contract: Contract, *, by: Actor, reason: str, ended_on: date | str | None = None
) -> Contract:
    """The reviewed termination (registered with reviews.reversals)."""
    if not reason.strip():
        raise ValidationFailed(
            _("Say why the contract is terminated."), extra={"fields": {"reason": [_("required")]}}
        )
    if isinstance(ended_on, str):
        ended_on = date.fromisoformat(ended_on)
    contract = transition(contract, to=Contract.Status.TERMINATED, by=by, note=reason.strip())
    contract.ended_reason = reason.strip()
    contract.ended_on = ended_on or timezone.localdate()
    contract.save(update_fields=["ended_reason", "ended_on", "updated_at"])
    return contract


@permission_required("contracts.change_contract")
@transaction.atomic
def contract_cancel(*, contract: Contract, by: Actor, reason: str = "") -> Contract:
    """Drop a draft contract. An approved one is cancelled only through a review
    (contract_cancel_request; issue 15 §20)."""
    if Contract.objects.get(pk=contract.pk).status != Contract.Status.DRAFT:
        raise ReviewRequired
    return transition(contract, to=Contract.Status.CANCELLED, by=by, note=reason)


@permission_required("contracts.request_contract_end")
def contract_cancel_request(*, contract: Contract, by: Actor, reason: str) -> ReversalRequest:
    """Ask to cancel an approved contract never signed (the number stays, marked
    cancelled), once reviewed with the contract's own levels."""
    return reversal_request(obj=contract, action="cancel", by=by, reason=reason)


def contract_cancel_approved(contract: Contract, *, by: Actor, reason: str) -> Contract:
    """The reviewed cancellation of an approved contract (registered with reviews)."""
    if Contract.objects.get(pk=contract.pk).status != Contract.Status.APPROVED:
        raise ValidationFailed(_("Only an approved contract is cancelled through a review."))
    return transition(contract, to=Contract.Status.CANCELLED, by=by, note=reason)


@transaction.atomic
def contract_complete(*, contract: Contract, by: Actor | None = None) -> Contract:
    """Fulfilled: delivered, invoiced and paid in full (the fulfilment job decides)."""
    contract = transition(contract, to=Contract.Status.COMPLETED, by=by, note=_("fulfilled"))
    Contract.objects.filter(pk=contract.pk).update(ended_on=timezone.localdate())
    return contract


def contracts_by_date_run(*, today: date | None = None) -> dict[str, int]:
    """Daily: signed contracts whose start has come are active; contracts past their end
    expire. Runs after the fulfilment job, so a contract fulfilled on its last day completes."""
    today = today or timezone.localdate()
    counts = {"activated": 0, "expired": 0}
    for contract in Contract.objects.filter(status=Contract.Status.SIGNED, starts_on__lte=today):
        if contract.ends_on >= today:
            transition(contract, to=Contract.Status.ACTIVE, by=None, note=_("in force"))
            counts["activated"] += 1
    for contract in Contract.objects.filter(status__in=Contract.IN_FORCE, ends_on__lt=today):
        transition(contract, to=Contract.Status.EXPIRED, by=None, note=_("past its end date"))
        Contract.objects.filter(pk=contract.pk).update(ended_on=contract.ends_on)
        counts["expired"] += 1
    return counts


# — Payables: the ledger records supplier invoices; a purchase contract's rules plug in here.


def contract_supplier_invoice_check(contract_id: int, gross_amount: Decimal) -> Contract:
    """A supplier invoice is recorded on a purchase contract in force (or completed), and
    never beyond the contract's amount. Locks the contract for the invoice's transaction."""
    contract = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("counterparty")
        .get(pk=contract_id)
    )
    if contract.kind != ContractKind.PURCHASE:
        raise ValidationFailed(
            extra={"fields": {"contract": [_("supplier invoices belong to purchase contracts")]}}
        )
    if contract.status not in (*Contract.IN_FORCE, Contract.Status.COMPLETED):
        raise ValidationFailed(extra={"fields": {"contract": [_("the contract is not in force")]}})
    invoiced = sum_amounts(contract.supplier_invoices.values_list("gross_amount", flat=True))
    if contract.amount and invoiced + gross_amount > contract.amount:
        raise ValidationFailed(
            _("Invoiced %(invoiced)s plus %(amount)s exceeds the contract's %(total)s.")
            % {"invoiced": invoiced, "amount": gross_amount, "total": contract.amount},
            extra={"fields": {"gross_amount": [_("beyond the contract amount")]}},
        )
    return contract
