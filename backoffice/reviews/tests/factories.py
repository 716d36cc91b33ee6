"""Review requests for the read side (STYLE §9), on the sample document of tests/testapp.
A review whose outcome matters goes through `review_submit` and `review_decide`."""

from decimal import Decimal

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from backoffice.accounts.tests.factories import RegionFactory, UserFactory
from backoffice.reviews.models import ReviewPolicy, ReviewRequest
from tests.testapp.models import Voucher


class VoucherFactory(DjangoModelFactory):
    class Meta:
        model = Voucher

    title = factory.Sequence(lambda n: f"样品出库{n:03d}")
    owner = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)
    total_amount = Decimal("1200.00")


class ReviewPolicyFactory(DjangoModelFactory):
    class Meta:
        model = ReviewPolicy

    kind = factory.Sequence(lambda n: f"testapp.kind{n:03d}")
    label = factory.Sequence(lambda n: f"单据{n:03d}")


class ReviewRequestFactory(DjangoModelFactory):
    """An open request on a voucher, waiting for anyone with `review_voucher`."""

    document = factory.SubFactory(VoucherFactory)
    kind = "testapp.voucher"
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Voucher))
    object_id = factory.SelfAttribute("document.pk")
    object_repr = factory.SelfAttribute("document.title")
    author = factory.SelfAttribute("document.owner")
    amount = factory.SelfAttribute("document.total_amount")
    current_permission = "testapp.review_voucher"
    current_role = ""
    submitted_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = ReviewRequest
        exclude = ("document",)
