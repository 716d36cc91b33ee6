"""Races on the real database (run on SQLite and PostgreSQL): real threads, real commits."""

import pytest

from backoffice.core.tests.races import all_at_once
from backoffice.reviews.models import ReviewDecision
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from tests.testapp.models import Voucher
from tests.testapp.services import voucher_submit

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def test_twenty_reviewers_at_once_release_exactly_once(voucher, author, make_reviewer):
    voucher_submit(voucher=voucher, by=author)
    request = review_request_for(voucher)
    reviewers = [make_reviewer() for _ in range(20)]

    _, errors = all_at_once(
        [lambda r=r: review_decide(request=request, by=r, verdict="approve") for r in reviewers]
    )

    unexpected = [e for e in errors if getattr(e, "code", None) != "review_closed"]
    assert unexpected == []
    voucher = Voucher.objects.get(pk=voucher.pk)
    assert voucher.status == "released"
    assert voucher.number.endswith("000001")
    approvals = ReviewDecision.objects.filter(request=request)
    assert approvals.count() == 2
    assert approvals.values("reviewer").distinct().count() == 2
    assert len(errors) == 18
    from backoffice.audit.models import AuditEvent

    releases = AuditEvent.objects.filter(
        model="testapp.voucher",
        object_id=str(voucher.pk),
        changes__status=["in_review", "released"],
    )
    assert releases.count() == 1


def test_one_user_firing_two_approvals_counts_once(voucher, author, make_reviewer):
    voucher_submit(voucher=voucher, by=author)
    request = review_request_for(voucher)
    reviewer = make_reviewer()

    _, errors = all_at_once(
        [lambda: review_decide(request=request, by=reviewer, verdict="approve")] * 2
    )

    assert [e.code for e in errors] == ["already_reviewed"]
    assert ReviewDecision.objects.filter(request=request).count() == 1
    assert Voucher.objects.get(pk=voucher.pk).status == "in_review"
