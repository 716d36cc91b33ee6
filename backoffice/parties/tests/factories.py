"""Customers and what hangs off them (STYLE §9). Customers are created through
`customer_create`; the rest is read-side data, written directly."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from backoffice.accounts.tests.factories import RegionFactory, UserFactory
from backoffice.parties.models import (
    CallRecord,
    Contact,
    Customer,
    Feedback,
    Qualification,
    QualificationType,
    Visit,
)
from backoffice.parties.services import customer_create
from backoffice.parties.tests.conftest import pdf_upload


class CustomerFactory(DjangoModelFactory):
    """A hospital of the north, owned by a rep of the north."""

    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"北京第{n:03d}医院")
    kind = Customer.Kind.HOSPITAL
    region = factory.SubFactory(RegionFactory)
    owner = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class: type[Customer], **kwargs) -> Customer:
        return customer_create(by=kwargs["owner"], **kwargs)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n:03d}")
    phone = "13800000000"


class QualificationTypeFactory(DjangoModelFactory):
    class Meta:
        model = QualificationType

    code = factory.Sequence(lambda n: f"paper-{n:03d}")
    name = factory.Sequence(lambda n: f"证照{n:03d}")


class QualificationFactory(DjangoModelFactory):
    class Meta:
        model = Qualification

    customer = factory.SubFactory(CustomerFactory)
    qualification_type = factory.LazyFunction(
        lambda: QualificationType.objects.get(code="business_licence")
    )
    number = factory.Sequence(lambda n: f"LIC{n:06d}")
    valid_from = date(2026, 1, 1)
    valid_to = date(2099, 1, 1)
    scan = factory.LazyFunction(pdf_upload)
    uploaded_by = factory.SelfAttribute("customer.owner")


class CallRecordFactory(DjangoModelFactory):
    class Meta:
        model = CallRecord

    customer = factory.SubFactory(CustomerFactory)
    called_at = factory.LazyFunction(timezone.now)
    caller = factory.SelfAttribute("customer.owner")


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    customer = factory.SubFactory(CustomerFactory)
    visited_on = factory.LazyFunction(timezone.localdate)
    host = factory.SelfAttribute("customer.owner")
    purpose = "产品介绍"


class FeedbackFactory(DjangoModelFactory):
    class Meta:
        model = Feedback

    customer = factory.SubFactory(CustomerFactory)
    type = "inquiry"
    description = "询问供货周期"
    assignee = factory.SelfAttribute("customer.owner")
    created_by = factory.SelfAttribute("customer.owner")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


def terms_set(customer: Customer, *, by, reviewer, reason: str = "测试", **changes) -> Customer:
    """Give `customer` a new credit limit and/or status (`customer_status`) the way it is
    done (issue 15 §3): asked by `by`, approved by `reviewer`."""
    from backoffice.parties.services import customer_terms_change_request
    from backoffice.reviews.selectors import review_request_for
    from backoffice.reviews.services import review_decide

    change = customer_terms_change_request(customer=customer, by=by, reason=reason, **changes)
    review_decide(request=review_request_for(change), by=reviewer, verdict="approve")
    customer.refresh_from_db()
    return customer
