"""The review panel, policies and notifications read in the reader's language (issue 14)."""

import re

import pytest
from django.utils import translation

from backoffice.core.models import Notification
from backoffice.reviews.models import ReviewPolicy
from backoffice.reviews.selectors import review_request_for, review_status
from backoffice.reviews.services import review_decide

ZH = {"accept-language": "zh-hans"}


@pytest.fixture(autouse=True)
def _english_after():
    """A request in Chinese leaves Chinese active in the test's thread: reset it."""
    yield
    translation.activate("en")


@pytest.mark.django_db
def test_one_of_two_approvals_says_it_waits_for_another(client, voucher, admin_user, make_reviewer):
    client.force_login(admin_user)
    client.post(f"/testapp/voucher/{voucher.pk}/submit/")
    first = make_reviewer(role="admin")
    client.force_login(first)
    response = client.post(
        f"/testapp/voucher/{voucher.pk}/review/", {"verdict": "approve"}, headers=ZH, follow=True
    )
    page = response.content.decode()
    assert "已通过 1/2，等待另一位审核" in page  # the message and the panel
    assert "已通过。" not in page  # not "approved" while a second reviewer is to decide
    with translation.override("en"):
        status = review_status(review_request_for(voucher))
        assert status.progress == "1 of 2 approvals; waiting for one more"
    second = make_reviewer(role="admin")
    client.force_login(second)
    response = client.post(
        f"/testapp/voucher/{voucher.pk}/review/", {"verdict": "approve"}, headers=ZH, follow=True
    )
    assert "已通过。" in response.content.decode()


@pytest.mark.django_db
def test_the_timeline_row_of_a_decision_is_a_sentence(voucher, author, make_reviewer):
    from backoffice.audit.models import AuditEvent
    from backoffice.core.admin import change_rows
    from tests.testapp.services import voucher_submit

    voucher_submit(voucher=voucher, by=author)
    review_decide(request=review_request_for(voucher), by=make_reviewer(), verdict="approve")
    event = AuditEvent.objects.filter(changes__has_key="review").order_by("-pk").first()
    assert event.changes["review"] == [None, "approve"]  # facts, not an English phrase
    with translation.override("zh-hans"):
        rows = change_rows(type(voucher), event.changes)
    assert [r["after"] for r in rows] == ["第1轮 第1级 审核通过"]


@pytest.mark.django_db
def test_policies_show_their_names_and_document_kinds_translated(client, admin_user, delivered):
    client.force_login(admin_user)
    page = re.sub(
        r"<[^>]+>", " ", client.get("/reviews/reviewpolicy/", headers=ZH).content.decode()
    )
    assert "Order audit" not in page and "sales.salesorder" not in page
    assert "销售订单" in page
    policy = ReviewPolicy.objects.get(kind="sales.salesorder")
    with translation.override("zh-hans"):
        assert str(policy) != "Order audit"
    requests = client.get("/reviews/reviewrequest/", headers=ZH).content.decode()
    text = re.sub(r"<[^>]+>", " ", requests)  # what is shown, not the filters' links
    assert "sales.salesorder" not in text and "销售订单" in text


@pytest.mark.django_db
def test_a_notification_reads_in_the_language_of_whoever_reads_it(voucher, author, make_reviewer):
    from tests.testapp.services import voucher_submit

    with translation.override("en"):
        voucher_submit(voucher=voucher, by=author)
        review_decide(request=review_request_for(voucher), by=make_reviewer(), verdict="approve")
        review_decide(request=review_request_for(voucher), by=make_reviewer(), verdict="approve")
    note = Notification.objects.get(recipient=author)
    assert note.title.startswith("Approved")  # as written, in English
    with translation.override("zh-hans"):
        assert note.title_text.startswith("已通过：")
        assert "审核已完成" in note.body_text
    with translation.override("en"):
        assert note.title_text.startswith("Approved: ")


@pytest.mark.django_db
def test_notifications_written_before_keep_their_words(clerk):
    old = Notification.objects.create(recipient=clerk, title="请审核：样品单", body="旧消息")
    with translation.override("en"):
        assert (old.title_text, old.body_text) == ("请审核：样品单", "旧消息")


@pytest.mark.parametrize(
    ("approvals", "required", "chinese"),
    [(0, 1, "等待审核（0/1）"), (0, 2, "等待审核（0/2）"), (1, 2, "已通过 1/2，等待另一位审核")],
)
def test_a_review_nobody_decided_yet_waits_for_review_not_for_another(approvals, required, chinese):
    from backoffice.reviews.selectors import ReviewStatus

    status = ReviewStatus(
        state="open",
        state_label="",
        round=1,
        level=1,
        levels=1,
        approvals=approvals,
        required=required,
        reviewers=[],
        author="",
        submitted_at=None,
    )
    with translation.override("zh-hans"):
        assert status.progress == chinese
