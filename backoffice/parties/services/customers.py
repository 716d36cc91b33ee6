"""Writes of customers (DOMAIN §1): create, change, bulk create for imports, contacts and
addresses. Every write is validated, atomic and audited."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record_many
from backoffice.core.access import Actor, permission_required
from backoffice.core.bulk import bulk_insert
from backoffice.core.exceptions import NotAllowed, ValidationFailed
from backoffice.core.numbering import next_number
from backoffice.core.pinyin import pinyin_keys
from backoffice.core.services import model_save, model_set_related
from backoffice.core.versions import Expected, check_version
from backoffice.parties.exceptions import DuplicateName, DuplicateTaxId, InvalidTaxId
from backoffice.parties.models import (
    Contact,
    Customer,
    DeliveryAddress,
)
from backoffice.parties.selectors import customer_visible_to
from backoffice.parties.services import terms
from backoffice.parties.services.terms import initial_terms_refused, terms_changed, terms_refused
from backoffice.parties.validators import uscc_problem

CUSTOMER_FIELDS = {*Customer.MASTER_FIELDS, *Customer.BILLING_FIELDS, "region_id", "owner_id"}

# The refusals that name another customer; the staff UI turns the names into links.
TAX_ID_TAKEN = gettext_lazy(
    "Tax id %(tax_id)s belongs to customer %(customer)s already. Mark this one as a branch "
    "if it shares its head office's tax id."
)
TAX_ID_TAKEN_UNSEEN = gettext_lazy(
    "Tax id %(tax_id)s belongs already to a customer outside the ones you may see. Check the "
    "tax id, or mark this one as a branch if it shares its head office's tax id."
)
NAME_TAKEN = gettext_lazy(
    "A customer with this name exists already: %(customers)s. If this is another customer "
    "(a branch, say), confirm it to save a separate customer."
)
NAME_TAKEN_UNSEEN = gettext_lazy(
    "A customer outside the ones you may see has this name already. If this is another "
    "customer (a branch, say), confirm it to save a separate customer."
)


def _validated(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        raise ValidationFailed(extra={"fields": fields}) from exc


def _may_see(by: Actor, customer_ids: list[int]) -> set[int]:
    """Which of these customers `by` may see (the system, `None`, sees all): a refusal names
    only those, and says of the others no more than that they exist."""
    if by is None:
        return set(customer_ids)
    return set(customer_visible_to(by).filter(pk__in=customer_ids).values_list("pk", flat=True))


def customer_reference(customer: Customer) -> dict[str, Any]:
    """How a refusal names another customer: to an API client, and for a link to it."""
    return {
        "id": customer.pk,
        "code": customer.code,
        "name": customer.name,
        "label": customer.picker_label,
    }


def _check_tax_id(customer: Customer, by: Actor = None) -> None:
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
        .order_by("id")
        .first()
    )
    if other is None:
        return
    if other.pk in _may_see(by, [other.pk]):
        message = str(TAX_ID_TAKEN) % {"tax_id": customer.tax_id, "customer": other.picker_label}
        extra: dict[str, Any] = {"customer": customer_reference(other)}
    else:
        message = str(TAX_ID_TAKEN_UNSEEN) % {"tax_id": customer.tax_id}
        extra = {}
    raise DuplicateTaxId(
        message, extra={**extra, "tax_id": customer.tax_id, "fields": {"tax_id": [message]}}
    )


def _name_variants(name: str) -> set[str]:
    """The same name typed with half- or full-width brackets: 国药（北京） and 国药(北京)."""
    half, full = str.maketrans("（）", "()"), str.maketrans("()", "（）")
    return {name, name.translate(half), name.translate(full)}


def _check_name(customer: Customer, by: Actor, *, confirmed: bool) -> None:
    """A name (new, or changed to) that another customer has is refused unless the user
    confirms that this is a separate customer, such as a branch (DuplicateName)."""
    if confirmed or not customer.name:
        return
    if customer.pk is not None:
        stored = Customer.objects.filter(pk=customer.pk).values_list("name", flat=True).first()
        if stored == customer.name:
            return
    match = Q()
    for variant in _name_variants(customer.name):
        match |= Q(name__iexact=variant)
    same = list(Customer.objects.filter(match).exclude(pk=customer.pk).order_by("id")[:20])
    if not same:
        return
    seen = _may_see(by, [other.pk for other in same])
    shown = [other for other in same if other.pk in seen]
    hidden = len(same) - len(shown)
    if shown:
        message = str(NAME_TAKEN) % {"customers": "; ".join(o.picker_label for o in shown)}
    else:
        message = str(NAME_TAKEN_UNSEEN)
    raise DuplicateName(
        message,
        extra={
            "customers": [customer_reference(other) for other in shown],
            "hidden": hidden,
            "confirm": "confirm_duplicate_name",
            "fields": {"name": [message]},
        },
    )


def _check_ownership(customer: Customer, by: Actor) -> None:
    """A rep keeps only their own customers; a regional manager those of their regions."""
    if by is None or by.has_perm("parties.view_all_customers"):
        return
    if by.has_perm("parties.view_region_customers"):
        if not by.regions.filter(pk=customer.region_id).exists():
            raise NotAllowed(_("You may only keep customers of your own regions."))
        return
    if customer.owner_id != by.pk:
        raise NotAllowed(_("You may only keep your own customers."))


def _check_owner(customer: Customer) -> None:
    """The owner is the customer's rep: orders carry them, statistics credit them. So the
    owner is an active person of the customer's region (a rep, or its manager); a clerk
    keeps no customers of her own. A supplier's owner is whoever buys from it."""
    if customer.kind == Customer.Kind.SUPPLIER:
        return
    owner = customer.owner
    if owner.is_active and owner.regions.filter(pk=customer.region_id).exists():
        return
    region = customer.region
    problem = _("Choose a rep of %(region)s as the owner; %(owner)s is not one.") % {
        "region": region,
        "owner": owner.full_name or owner.username,
    }
    raise ValidationFailed(problem, extra={"fields": {"owner": [problem]}})


def _set_scope(customer: Customer, scope: Any, by: Actor) -> None:
    """The licensed business scope (经营范围): the product categories it may buy."""
    if scope is not None:
        model_set_related(
            instance=customer, field="business_scope", ids=[c.pk for c in scope], by=by
        )


def _apply(customer: Customer, data: dict[str, Any]) -> None:
    unknown = set(data) - CUSTOMER_FIELDS
    if unknown:
        raise ValidationFailed(extra={"fields": {name: [_("unknown field")] for name in unknown}})
    for name, value in data.items():
        setattr(customer, name, value)
    customer.name = customer.name.strip()
    customer.name_pinyin, customer.name_initials = pinyin_keys(customer.name)


def check_customer(
    customer: Customer,
    *,
    by: Actor,
    confirm_duplicate_name: bool = False,
    owner_chosen: bool = True,
) -> None:
    """The rules a form can check before saving: ownership, the owner being a rep of the
    region (when the owner or region was chosen or changed), the tax id and its uniqueness,
    a name another customer has (unless confirmed)."""
    _check_ownership(customer, by)
    if owner_chosen and customer.owner_id and customer.region_id:
        _check_owner(customer)
    _check_tax_id(customer, by)
    _check_name(customer, by, confirmed=confirm_duplicate_name)


@permission_required("parties.add_customer")
@transaction.atomic
def customer_create(
    *,
    by: Actor,
    confirm_duplicate_name: bool = False,
    business_scope: Any = None,
    **data: Any,
) -> Customer:
    """Add a customer; the code is generated (CU-YYYY-NNNNNN) when not given. A head
    office's tax id is unique; a name another customer has needs `confirm_duplicate_name`
    (DOMAIN §1; issue 14 §4). The owner is a rep of its region (a rep adding a customer
    owns it unless she names another of her region); `business_scope`, the product
    categories its licence allows."""
    customer = Customer()
    if by is not None and "owner" not in data and "owner_id" not in data:
        data["owner"] = by
    _apply(customer, data)
    if not customer.code:
        customer.code = next_number(kind="CU", year=timezone.localdate().year)
    initial_terms_refused(customer, by)
    _check_ownership(customer, by)
    if customer.owner_id and customer.region_id:
        _check_owner(customer)
    _check_tax_id(customer, by)
    _check_name(customer, by, confirmed=confirm_duplicate_name)
    _validated(customer)
    customer = model_save(instance=customer, by=by, validate=False)
    _set_scope(customer, business_scope, by)
    return customer


@transaction.atomic
def customer_bulk_create(
    *, rows: Sequence[Mapping[str, Any]], by: Actor, note: str = ""
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
        initial_terms_refused(customer, by)
        customers.append(customer)
    _check_bulk_unique(customers)
    customers = bulk_insert(Customer, customers)
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
def customer_update(
    *,
    customer: Customer,
    by: Actor,
    confirm_duplicate_name: bool = False,
    business_scope: Any = None,
    expected_version: Expected = None,
    terms_reason: str = "",
    **data: Any,
) -> Customer:
    """Change a customer: the rules of customer_create, the name's only when it changes. A
    new owner, or a new region, needs an owner who is a rep of the region; a rep keeps her
    own customers and hands them to nobody. With `expected_version` (the ETag read), a
    customer changed since by someone else is refused (412), never overwritten. Credit limit,
    payment terms, status (blocks) and region need `parties.change_customer_terms`; a new
    credit limit or status waits for one reviewer (a CustomerTermsChange, with
    `terms_reason`) before it takes effect (issue 15 §3)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    check_version(customer, expected_version)
    _check_ownership(customer, by)
    before = (customer.owner_id, customer.region_id)
    terms_before = Customer(
        credit_limit=customer.credit_limit,
        payment_terms_days=customer.payment_terms_days,
        status=customer.status,
        region_id=customer.region_id,
    )
    _apply(customer, data)
    changed = terms_changed(terms_before, customer)
    terms_refused(changed, by)  # a rep, even the owner: 403 naming the field (issue 15 §3)
    reviewed = {name: getattr(customer, name) for name in changed if name in terms.REVIEWED_FIELDS}
    for name in reviewed:  # they wait for a reviewer (customer_terms_change_request)
        setattr(customer, name, getattr(terms_before, name))
    _check_ownership(customer, by)  # and may not hand it to another rep's region
    if (customer.owner_id, customer.region_id) != before:
        _check_owner(customer)
    _check_tax_id(customer, by)
    _check_name(customer, by, confirmed=confirm_duplicate_name)
    _validated(customer)
    customer = model_save(instance=customer, by=by, validate=False)
    _set_scope(customer, business_scope, by)
    if reviewed:
        terms.customer_terms_change_request(
            customer=customer,
            by=by,
            credit_limit=reviewed.get("credit_limit"),
            customer_status=reviewed.get("status", ""),
            reason=terms_reason,
        )
    return customer


@permission_required("parties.add_contact")
@transaction.atomic
def contact_create(*, customer: Customer, by: Actor, **data: Any) -> Contact:
    contact = Contact(customer=customer, **data)
    _validated(contact)
    if contact.is_primary:
        Contact.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
    return model_save(instance=contact, by=by, validate=False)


@permission_required("parties.add_deliveryaddress")
@transaction.atomic
def address_create(*, customer: Customer, by: Actor, **data: Any) -> DeliveryAddress:
    address = DeliveryAddress(customer=customer, **data)
    _validated(address)
    if address.is_default:
        DeliveryAddress.objects.filter(customer=customer, is_default=True).update(is_default=False)
    return model_save(instance=address, by=by, validate=False)
