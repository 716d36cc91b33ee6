"""Reads of the customer file; every read on a user's behalf starts from customer_visible_to."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, access_object, scope_for_user
from backoffice.core.pinyin import pinyin_match
from backoffice.core.prepared import PreparedRead
from backoffice.parties.models import (
    CallCadence,
    CallRecord,
    Customer,
    CustomerTermsChange,
    Feedback,
    Qualification,
    QualificationRequirement,
    Visit,
)


def customer_visible_to(user: Any) -> QuerySet[Customer]:
    """All for clerks, managers, finance; own regions for regional managers; own for reps."""
    return scope_for_user(
        Customer.objects.all(),
        user,
        all_perm="parties.view_all_customers",
        region_perm="parties.view_region_customers",
    )


def access_customer(by: Actor, customer_id: Any) -> Customer:
    return access_object(customer_visible_to(by).select_related("region", "owner"), customer_id)


def customer_search(customers: QuerySet[Customer], q: str) -> QuerySet[Customer]:
    """Name, code, tax id, phone, or pinyin: `bjyy` and `beijing` both find 北京医院."""
    q = q.strip()
    if not q:
        return customers
    match = Q(name__icontains=q) | Q(code__icontains=q) | Q(tax_id__icontains=q.upper())
    match |= Q(phone__contains=q)
    return customers.filter(match | pinyin_match(q))


def customer_list(*, by: Actor) -> QuerySet[Customer]:
    """The customers `by` may see, by pinyin (the list's filters: `parties.filters`)."""
    customers = customer_visible_to(by).select_related("region", "owner")
    return customers.order_by("name_pinyin", "id")


def qualification_visible_to(user: Any) -> QuerySet[Qualification]:
    return Qualification.objects.filter(customer__in=customer_visible_to(user))


def access_qualification(by: Actor, qualification_id: Any) -> Qualification:
    return access_object(
        qualification_visible_to(by).select_related("customer", "qualification_type"),
        qualification_id,
    )


def terms_change_visible_to(user: Any) -> QuerySet[CustomerTermsChange]:
    return CustomerTermsChange.objects.filter(customer__in=customer_visible_to(user))


def access_terms_change(by: Actor, change_id: Any) -> CustomerTermsChange:
    return access_object(
        terms_change_visible_to(by).select_related("customer", "requested_by"), change_id
    )


@dataclass(frozen=True)
class TradeBlockReason:
    # missing_qualification, unverified_qualification, expired_qualification, customer_status,
    # outside_business_scope
    code: str
    message: str
    qualification_type: str = ""


_requirements = PreparedRead(
    lambda kind: QualificationRequirement.objects.filter(
        kind=kind, qualification_type__is_active=True
    ).select_related("qualification_type"),
    str,
)


_papers = PreparedRead(  # no join for an ordering
    lambda customer: (
        Qualification.objects.filter(customer=customer)
        .order_by()
        .only("qualification_type", "status", "valid_from", "valid_to")
    ),
    int,
)
_scope = PreparedRead(  # the categories' ids: no join to them
    lambda customer: Customer.business_scope.through.objects.filter(customer=customer).order_by(),
    int,
)


def customer_trade_block(
    customer: Customer, *, today: date | None = None
) -> list[TradeBlockReason]:
    """Why this customer may not be sold to now; empty when trade is allowed (DOMAIN §1)."""
    today = today or timezone.localdate()
    reasons = []
    if customer.status in {Customer.Status.SUSPENDED, Customer.Status.BLACKLISTED}:
        reasons.append(
            TradeBlockReason(
                "customer_status",
                _("The customer is %(status)s.") % {"status": customer.get_status_display()},
            )
        )
    required = _requirements(customer.kind)
    if not required:
        return reasons  # the customer's papers are not read for nothing
    papers = [  # (type, status, from, to)
        (paper.qualification_type_id, paper.status, paper.valid_from, paper.valid_to)
        for paper in _papers(customer.pk)
    ]
    verified = Qualification.Status.VERIFIED
    for requirement in required:
        paper_type = requirement.qualification_type
        own = [paper for paper in papers if paper[0] == paper_type.pk]
        if any(status == verified and start <= today <= end for _, status, start, end in own):
            continue
        if any(status == Qualification.Status.EXPIRED or end < today for _, status, _, end in own):
            code, message = "expired_qualification", _("%(type)s has expired.")
        elif own:
            code, message = "unverified_qualification", _("%(type)s is not verified yet.")
        else:
            code, message = "missing_qualification", _("%(type)s is missing.")
        reasons.append(
            TradeBlockReason(code, message % {"type": paper_type.display_name}, paper_type.code)
        )
    return reasons


def customer_scope_block(customer: Customer, *, products: Iterable[Any]) -> list[TradeBlockReason]:
    """The products (each with `name` and `category`) the customer's licensed business scope
    (经营范围) does not cover. A customer with no scope recorded may buy anything; a product
    with no category cannot be shown to be covered, so it is named too (DOMAIN §1)."""
    scope = {row.productcategory_id for row in _scope(customer.pk)}
    if not scope:
        return []
    reasons, seen = [], set()
    for product in products:
        if product.pk in seen or (product.category_id is not None and product.category_id in scope):
            continue
        seen.add(product.pk)
        if product.category_id is None:
            message = _(
                "%(product)s has no category, so the licensed business scope cannot be checked."
            )
            values = {"product": product.name}
        else:
            message = _(
                "%(product)s (%(category)s) is outside the customer's licensed business scope."
            )
            values = {"product": product.name, "category": product.category.name}
        reasons.append(TradeBlockReason("outside_business_scope", message % values))
    return reasons


def trade_block_enforced() -> bool:
    """The setting QUALIFICATION_BLOCK_MODE: "block" (default) refuses, "warn" only warns."""
    return getattr(settings, "QUALIFICATION_BLOCK_MODE", "block") == "block"


def qualifications_expiring(*, today: date, within_days: int) -> QuerySet[Qualification]:
    return Qualification.objects.filter(
        status__in=[
            Qualification.Status.VERIFIED,
            Qualification.Status.PENDING,
            Qualification.Status.REJECTED,
        ],
        valid_to__lte=today + timezone.timedelta(days=within_days),
    ).select_related("customer__owner", "qualification_type")


def call_visible_to(user: Any) -> QuerySet[CallRecord]:
    return CallRecord.objects.filter(customer__in=customer_visible_to(user))


def visit_visible_to(user: Any) -> QuerySet[Visit]:
    return Visit.objects.filter(customer__in=customer_visible_to(user))


def feedback_visible_to(user: Any) -> QuerySet[Feedback]:
    return Feedback.objects.filter(customer__in=customer_visible_to(user))


def access_feedback(by: Actor, feedback_id: Any) -> Feedback:
    return access_object(feedback_visible_to(by).select_related("customer"), feedback_id)


def customers_call_overdue(customers: QuerySet[Customer], *, now=None) -> QuerySet[Customer]:
    """Active customers whose last call is older than their grade's cadence (or never)."""
    now = now or timezone.now()
    due = Q()
    for cadence in CallCadence.objects.all():
        since = now - timezone.timedelta(days=cadence.interval_days)
        due |= Q(grade=cadence.grade) & (Q(last_call_at__lt=since) | Q(last_call_at__isnull=True))
    if not due:
        return customers.none()
    return (
        customers.filter(status=Customer.Status.ACTIVE)
        .annotate(last_call_at=Max("calls__called_at"))
        .filter(due)
    )


def calls_overdue_for(user: Any) -> QuerySet[Customer]:
    """The owner's overdue calls; clerks (who see every customer) get all of them."""
    customers = customer_visible_to(user)
    if not user.has_perm("parties.view_all_customers"):
        customers = customers.filter(owner=user)
    return customers_call_overdue(customers).order_by("last_call_at", "name_pinyin")


def feedback_overdue_for(user: Any) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(
            assignee=user,
            status__in=[Feedback.Status.NEW, Feedback.Status.IN_PROGRESS],
            due_on__lt=timezone.localdate(),
        )
        .select_related("customer")
        .order_by("due_on")
    )
