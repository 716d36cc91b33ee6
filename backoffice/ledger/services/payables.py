"""Supplier invoices on purchase contracts and payments to suppliers, allocated to them
(the one allocation service) and posted."""

import re
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.core.access import permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import ZERO, round_amount, sum_amounts, to_decimal
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.ledger.allocations import AllocationSide, allocation_apply, allocation_shares
from backoffice.ledger.models import (
    PaymentAllocation,
    SupplierInvoice,
    SupplierPayment,
)
from backoffice.ledger.selectors import payable_source
from backoffice.ledger.services.journal import (
    AP,
    BANK,
    BILLS_PAYABLE,
    CASH,
    INPUT_VAT,
    INVENTORY,
    PREPAYMENTS,
    _money_checked,
    journal_post,
)

PAYMENT_ACCOUNT = {"bank": BANK, "bill": BILLS_PAYABLE, "cash": CASH}


PAYMENTS = AllocationSide(
    item_model=SupplierInvoice,
    item_field="invoice",
    total_field="gross_amount",
    settled_field="paid_amount",
    party_field="supplier",
    allocation_model=PaymentAllocation,
    document_field="payment",
    not_open_message=lambda: _("not an open invoice of this supplier"),
)


@permission_required("ledger.keep_payables")
@transaction.atomic
def supplier_invoice_create(
    *,
    contract: Any,
    by: User,
    vat_invoice_number: str,
    issued_on: date,
    gross_amount: Any,
    tax_amount: Any,
    due_on: date | None = None,
) -> SupplierInvoice:
    """A supplier's invoice on a purchase contract in force, within the contract's amount
    (the contract's own rules, registered by `contracts`): posts inventory and input VAT
    against accounts payable."""
    gross = round_amount(to_decimal(gross_amount))
    tax = round_amount(to_decimal(tax_amount))
    errors = {}
    number = vat_invoice_number.strip()
    if not re.fullmatch(r"\d{8}|\d{20}", number):
        errors["vat_invoice_number"] = [_("8 digits (paper) or 20 digits (fully digital)")]
    if gross <= 0:
        errors["gross_amount"] = [_("must be more than 0")]
    if tax < 0 or tax >= gross > 0:
        errors["tax_amount"] = [_("between 0 and the amount")]
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    contract = payable_source().check(getattr(contract, "pk", contract), gross)
    supplier = contract.counterparty
    invoice = SupplierInvoice(
        number=next_number(kind="AP", year=issued_on.year),
        contract=contract,
        supplier=supplier,
        vat_invoice_number=number,
        issued_on=issued_on,
        due_on=due_on or issued_on + timedelta(days=supplier.payment_terms_days),
        gross_amount=gross,
        net_amount=gross - tax,
        tax_amount=tax,
        created_by=by,
    )
    model_save(instance=invoice, by=by)
    journal_post(
        posted_on=issued_on,
        source_model="ledger.supplierinvoice",
        source_id=invoice.pk,
        source_number=invoice.number,
        memo=_("Supplier invoice %(number)s on %(contract)s")
        % {"number": number, "contract": contract.number},
        lines=[
            (INVENTORY, None, gross - tax, ZERO),
            (INPUT_VAT, None, tax, ZERO),
            (AP, supplier.pk, ZERO, gross),
        ],
        by=by,
    )
    return invoice


@permission_required("ledger.keep_payables")
@transaction.atomic
def supplier_payment_create(
    *,
    supplier: Any,
    by: User,
    amount: Any,
    paid_on: date,
    method: str = SupplierPayment.Method.BANK,
    bank_reference: str = "",
    allocations: list[dict[str, Any]] | None = None,
) -> SupplierPayment:
    """A payment to a supplier, allocated to its invoices, never beyond what is outstanding;
    a remainder is a prepayment. Posts AP (and prepayment) against the bank."""
    amount = _money_checked(amount, method, PAYMENT_ACCOUNT)
    wanted = allocation_shares(side=PAYMENTS, rows=allocations, amount=amount)
    payment = SupplierPayment(
        number=next_number(kind="PY", year=paid_on.year),
        supplier=supplier,
        paid_on=paid_on,
        amount=amount,
        method=method,
        bank_reference=bank_reference.strip(),
        created_by=by,
    )
    model_save(instance=payment, by=by, validate=False)
    applied = allocation_apply(side=PAYMENTS, document=payment, party_id=supplier.pk, wanted=wanted)
    allocated = sum_amounts(share for _item, share in applied)
    journal_post(
        posted_on=paid_on,
        source_model="ledger.supplierpayment",
        source_id=payment.pk,
        source_number=payment.number,
        memo=_("Payment %s") % payment.number,
        lines=[
            (AP, supplier.pk, allocated, ZERO),
            (PREPAYMENTS, supplier.pk, amount - allocated, ZERO),
            (PAYMENT_ACCOUNT[method], None, ZERO, amount),
        ],
        by=by,
    )
    return payment
