from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backoffice.contracts.exceptions import ContractNotInForce, ProductNotInContract
from backoffice.contracts.models import SELLING_KINDS, Contract, ContractKind, ContractLine
from backoffice.core.access import Actor, access_object, scope_for_user


def contract_visible_to(user: Any) -> QuerySet[Contract]:
    """All, own regions', or own contracts (STYLE §7)."""
    return scope_for_user(
        Contract.objects.all(),
        user,
        all_perm="contracts.view_all_contracts",
        region_perm="contracts.view_region_contracts",
    )


def purchase_contracts_open_to(user: Any) -> QuerySet[Contract]:
    """The purchase contracts in force that the user may record a supplier invoice on."""
    return contract_visible_to(user).filter(
        kind=ContractKind.PURCHASE, status__in=Contract.IN_FORCE
    )


def access_contract(by: Actor, contract_id: Any) -> Contract:
    return access_object(
        contract_visible_to(by).select_related("counterparty", "owner", "region"), contract_id
    )


def contract_list(*, by: Actor) -> QuerySet[Contract]:
    """The contracts `by` may see, newest first (the list's filters: `contracts.filters`)."""
    contracts = contract_visible_to(by).select_related("counterparty", "owner", "region")
    return contracts.order_by("-created_at", "-id")


def contract_orderable_check(contract: Contract, *, customer_id: int, on: date) -> None:
    """An order may carry out a selling contract of its customer that is in force on its date."""
    if contract.kind not in SELLING_KINDS:
        raise ContractNotInForce(_("A purchase contract is not carried out by sales orders."))
    if contract.counterparty_id != customer_id:
        raise ContractNotInForce(_("The contract %s is with another customer.") % contract.number)
    if contract.status not in Contract.IN_FORCE:
        raise ContractNotInForce(
            _("The contract %(number)s is %(status)s, not in force.")
            % {"number": contract.number, "status": contract.get_status_display()}
        )
    if not contract.starts_on <= on <= contract.ends_on:
        raise ContractNotInForce(
            _("The contract %(number)s is valid from %(start)s to %(end)s, not on %(on)s.")
            % {
                "number": contract.number,
                "start": contract.starts_on,
                "end": contract.ends_on,
                "on": on,
            }
        )


def contract_line_for(
    contract: Contract, *, product_id: int, lines: list[ContractLine] | None = None
) -> ContractLine:
    """The contract line an order line carries out: the one with its product, else the
    contract's first amount-only line (framework agreements); else the product is refused."""
    lines = lines if lines is not None else list(contract.lines.all())
    for line in lines:
        if line.product_id == product_id:
            return line
    for line in lines:
        if line.product_id is None:
            return line
    raise ProductNotInContract(
        _("The product is not in contract %s.") % contract.number,
        extra={"product": product_id, "contract": contract.pk},
    )
