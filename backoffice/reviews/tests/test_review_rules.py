"""The rule matrix of the four-eyes engine, on a sample document (tests/testapp)."""

from decimal import Decimal

import pytest

from backoffice.core.models import Notification
from backoffice.reviews.exceptions import (
    AlreadyReviewed,
    NotAReviewer,
    NoteRequired,
    NotSubmitted,
    ReviewAlreadyOpen,
    ReviewClosed,
    SelfReviewForbidden,
)
from backoffice.reviews.models import ReviewPolicyLevel, ReviewRequest
from backoffice.reviews.selectors import review_pending_for, review_request_for, review_status
from backoffice.reviews.services import review_decide
from tests.testapp.models import Voucher
from tests.testapp.services import voucher_submit


def _refresh(voucher):
    voucher.refresh_from_db()
    return voucher


@pytest.mark.django_db
def test_two_distinct_approvals_release_the_document(voucher, author, make_reviewer):
    request = voucher_submit(voucher=voucher, by=author) and review_request_for(voucher)
    first, second = make_reviewer(), make_reviewer()
    review_decide(request=request, by=first, verdict="approve")
    assert _refresh(voucher).status == "in_review"
    assert review_status(review_request_for(voucher)).as_dict()["approvals"] == 1
    review_decide(request=request, by=second, verdict="approve")
    voucher = _refresh(voucher)
    assert voucher.status == "released"
    assert voucher.number.startswith("VO-")
    assert review_request_for(voucher).state == "approved"


@pytest.mark.django_db
def test_a_review_is_decided_through_its_document_too(voucher, author, make_reviewer):
    """The API names the document: its review is found with the lock, in the same read."""
    with pytest.raises(NotSubmitted):
        review_decide(document=voucher, by=make_reviewer(), verdict="approve")
    voucher_submit(voucher=voucher, by=author)
    with pytest.raises(TypeError):
        review_decide(
            request=review_request_for(voucher), document=voucher, by=author, verdict="approve"
        )
    first = review_decide(document=voucher, by=make_reviewer(), verdict="approve")
    assert first.pk == review_request_for(voucher).pk
    review_decide(document=voucher, by=make_reviewer(), verdict="approve")
    assert _refresh(voucher).status == "released"


@pytest.mark.django_db
def test_author_cannot_approve_own_document(voucher, author):
    voucher_submit(voucher=voucher, by=author)
    with pytest.raises(SelfReviewForbidden) as caught:
        review_decide(request=review_request_for(voucher), by=author, verdict="approve")
    assert caught.value.status == 403


@pytest.mark.django_db
def test_the_documents_owner_counts_as_an_author(voucher, author, rep_wang):
    from backoffice.reviews.tests.conftest import _grant

    owner = _grant(rep_wang, "review_voucher")
    voucher_submit(voucher=voucher, by=author)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(voucher), by=owner, verdict="approve")


@pytest.mark.django_db
def test_someone_without_the_reviewer_permission_is_refused(voucher, author, finance):
    from backoffice.reviews.tests.conftest import _grant

    voucher_submit(voucher=voucher, by=author)
    finance = _grant(finance, "view_all_vouchers")  # sees it, may not decide on it
    with pytest.raises(NotAReviewer) as caught:
        review_decide(request=review_request_for(voucher), by=finance, verdict="approve")
    assert caught.value.status == 403


@pytest.mark.django_db
def test_the_same_person_counts_once(voucher, author, make_reviewer):
    voucher_submit(voucher=voucher, by=author)
    reviewer = make_reviewer()
    review_decide(request=review_request_for(voucher), by=reviewer, verdict="approve")
    with pytest.raises(AlreadyReviewed) as caught:
        review_decide(request=review_request_for(voucher), by=reviewer, verdict="approve")
    assert caught.value.status == 409
    assert _refresh(voucher).status == "in_review"


@pytest.mark.django_db
def test_a_rejection_needs_a_note_and_sends_the_document_back(voucher, author, make_reviewer):
    voucher_submit(voucher=voucher, by=author)
    reviewer = make_reviewer()
    with pytest.raises(NoteRequired) as caught:
        review_decide(request=review_request_for(voucher), by=reviewer, verdict="reject", note="  ")
    assert caught.value.status == 400
    review_decide(
        request=review_request_for(voucher), by=reviewer, verdict="reject", note="数量不对"
    )
    assert _refresh(voucher).status == "draft"
    assert review_request_for(voucher).state == "rejected"
    assert Notification.objects.filter(recipient=author, title__contains="Sent back").exists()
    with pytest.raises(ReviewClosed):
        review_decide(request=review_request_for(voucher), by=make_reviewer(), verdict="approve")


@pytest.mark.django_db
def test_resubmission_starts_a_new_round_where_old_approvals_do_not_count(
    voucher, author, make_reviewer
):
    first, second, third = make_reviewer(), make_reviewer(), make_reviewer()
    voucher_submit(voucher=voucher, by=author)
    review_decide(request=review_request_for(voucher), by=first, verdict="approve")
    review_decide(request=review_request_for(voucher), by=second, verdict="reject", note="缺附件")
    voucher_submit(voucher=_refresh(voucher), by=author)
    request = review_request_for(voucher)
    assert request.round == 2
    assert review_status(request).approvals == 0
    review_decide(request=request, by=first, verdict="approve")  # may decide again: new round
    assert _refresh(voucher).status == "in_review"
    review_decide(request=request, by=third, verdict="approve")
    assert _refresh(voucher).status == "released"
    history = review_status(review_request_for(voucher)).history
    assert [(h["round"], h["verdict"]) for h in history] == [
        (1, "approve"),
        (1, "reject"),
        (2, "approve"),
        (2, "approve"),
    ]


@pytest.mark.django_db
def test_a_document_waiting_for_review_cannot_be_submitted_twice(voucher, author):
    from backoffice.reviews.services import review_submit

    voucher_submit(voucher=voucher, by=author)
    with pytest.raises(ReviewAlreadyOpen):
        review_submit(obj=voucher, by=author)


@pytest.mark.django_db
def test_a_policy_change_does_not_touch_an_open_review(voucher, author, make_reviewer):
    voucher_submit(voucher=voucher, by=author)
    ReviewPolicyLevel.objects.filter(policy__kind="testapp.voucher", position=1).update(approvals=3)
    first, second = make_reviewer(), make_reviewer()
    review_decide(request=review_request_for(voucher), by=first, verdict="approve")
    review_decide(request=review_request_for(voucher), by=second, verdict="approve")
    assert _refresh(voucher).status == "released"  # the frozen policy asked for 2

    other = Voucher.objects.create(title="b", owner=voucher.owner, region=voucher.region)
    voucher_submit(voucher=other, by=author)
    assert review_request_for(other).current_level["approvals"] == 3


@pytest.mark.django_db
def test_large_amounts_add_a_general_manager_level_decided_in_order(voucher, author, make_reviewer):
    voucher.total_amount = Decimal("50000.00")
    voucher.save()
    voucher_submit(voucher=voucher, by=author)
    request = review_request_for(voucher)
    assert len(request.levels) == 2
    gm = make_reviewer(role="general_manager", perms=("approve_large_voucher",))
    with pytest.raises(NotAReviewer):  # level 2 waits for level 1
        review_decide(request=request, by=gm, verdict="approve")
    review_decide(request=request, by=make_reviewer(), verdict="approve")
    review_decide(request=request, by=make_reviewer(), verdict="approve")
    assert _refresh(voucher).status == "in_review"
    assert review_request_for(voucher).level_index == 1
    not_gm = make_reviewer(role="sales_manager", perms=("approve_large_voucher",))
    with pytest.raises(NotAReviewer):  # has the permission but not the role
        review_decide(request=request, by=not_gm, verdict="approve")
    review_decide(request=request, by=gm, verdict="approve")
    assert _refresh(voucher).status == "released"


@pytest.mark.django_db
def test_small_amounts_skip_the_large_level(voucher, author):
    voucher.total_amount = Decimal("49999.99")
    voucher.save()
    voucher_submit(voucher=voucher, by=author)
    assert len(review_request_for(voucher).levels) == 1


@pytest.mark.django_db
def test_a_failure_in_on_approved_rolls_the_decision_back(voucher, author, make_reviewer):
    voucher.title = "explode on release"
    voucher.save()
    voucher_submit(voucher=voucher, by=author)
    first, second = make_reviewer(), make_reviewer()
    review_decide(request=review_request_for(voucher), by=first, verdict="approve")
    with pytest.raises(RuntimeError):
        review_decide(request=review_request_for(voucher), by=second, verdict="approve")
    request = review_request_for(voucher)
    assert request.state == "open"
    assert request.decisions.count() == 1
    assert _refresh(voucher).status == "in_review"


@pytest.mark.django_db
def test_reviewers_are_told_and_the_queue_shows_only_what_they_may_decide(
    voucher, author, make_reviewer, finance
):
    reviewer = make_reviewer()
    voucher_submit(voucher=voucher, by=author)
    # The waiting review is the reviewer's in-app to-do (their queue); no duplicate message.
    assert not Notification.objects.filter(recipient=reviewer).exists()
    assert not Notification.objects.filter(recipient=author).exists()
    assert list(review_pending_for(reviewer)) == [review_request_for(voucher)]
    assert list(review_pending_for(author)) == []
    assert list(review_pending_for(finance)) == []
    review_decide(request=review_request_for(voucher), by=reviewer, verdict="approve")
    assert list(review_pending_for(reviewer)) == []


@pytest.mark.django_db
def test_an_unknown_verdict_is_invalid_input(voucher, author, make_reviewer):
    from backoffice.core.exceptions import ValidationFailed

    voucher_submit(voucher=voucher, by=author)
    with pytest.raises(ValidationFailed):
        review_decide(request=review_request_for(voucher), by=make_reviewer(), verdict="maybe")
    assert ReviewRequest.objects.get().decisions.count() == 0


@pytest.mark.django_db
def test_reviewers_get_an_email_after_commit_when_email_is_configured(
    voucher, author, make_reviewer, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.EMAIL_ENABLED = True
    reviewer = make_reviewer()
    reviewer.email = "reviewer@example.com"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        voucher_submit(voucher=voucher, by=author)
    assert [m.to for m in mailoutbox] == [["reviewer@example.com"]]
    assert "Please review" in mailoutbox[0].subject
