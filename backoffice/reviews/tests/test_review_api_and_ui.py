import pytest

from backoffice.reviews.tests.conftest import _grant


@pytest.fixture
def owner_author(rep_wang):
    return _grant(rep_wang, "review_voucher")


@pytest.mark.django_db
def test_submit_then_two_reviews_through_the_api(api, voucher, owner_author, make_reviewer):
    api.force_authenticate(owner_author)
    submitted = api.post(f"/api/v1/testapp/vouchers/{voucher.pk}/submit/")
    assert submitted.status_code == 200
    assert submitted.json() == {
        "id": voucher.pk,
        "status": "in_review",
        "review": {
            "state": "open",
            "round": 1,
            "level": 1,
            "levels": 1,
            "approvals": 0,
            "required": 2,
            "reviewers": [],
        },
    }
    self_review = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert (self_review.status_code, self_review.json()["code"]) == (403, "self_review_forbidden")
    first = make_reviewer(perms=("review_voucher", "view_all_vouchers"))
    second = make_reviewer(perms=("review_voucher", "view_all_vouchers"))
    api.force_authenticate(first)
    pending = api.get("/api/v1/reviews/pending/").json()
    assert [p["document_id"] for p in pending["results"]] == [voucher.pk]
    one = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert one.json()["review"]["approvals"] == 1
    assert one.json()["review"]["reviewers"] == [first.username]
    again = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_reviewed")
    api.force_authenticate(second)
    done = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["status"] == "released"
    assert done.json()["review"]["state"] == "approved"
    closed = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert (closed.status_code, closed.json()["code"]) == (409, "review_closed")


@pytest.mark.django_db
def test_api_error_codes_of_the_engine(api, voucher, admin_user, make_reviewer):
    api.force_authenticate(admin_user)
    not_yet = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert (not_yet.status_code, not_yet.json()["code"]) == (409, "not_submitted")
    api.post(f"/api/v1/testapp/vouchers/{voucher.pk}/submit/")
    own = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert (own.status_code, own.json()["code"]) == (403, "self_review_forbidden")
    twice = api.post(f"/api/v1/testapp/vouchers/{voucher.pk}/submit/")
    assert twice.status_code == 409
    reviewer = make_reviewer(role="admin")
    api.force_authenticate(reviewer)
    no_note = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "reject"}, format="json"
    )
    assert (no_note.status_code, no_note.json()["code"]) == (400, "note_required")
    bad = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "maybe"}, format="json"
    )
    assert bad.status_code == 400 and "verdict" in bad.json()["extra"]["fields"]
    outsider = make_reviewer(role="rep", perms=("view_all_vouchers",))
    api.force_authenticate(outsider)
    refused = api.post(
        f"/api/v1/testapp/vouchers/{voucher.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")


@pytest.mark.django_db
def test_review_panel_buttons_only_for_who_may_decide(client, voucher, admin_user, make_reviewer):
    client.force_login(admin_user)
    page = client.get(f"/testapp/voucher/{voucher.pk}/change/").content.decode()
    assert 'data-testid="review-submit"' in page
    response = client.post(f"/testapp/voucher/{voucher.pk}/submit/")
    assert response.status_code == 302
    page = client.get(f"/testapp/voucher/{voucher.pk}/change/").content.decode()
    assert 'data-testid="review-panel"' in page
    assert "Waiting for review (0 of 2)" in page
    assert 'data-testid="review-decide"' not in page  # the author sees where it stands only
    reviewer = make_reviewer(role="admin")
    client.force_login(reviewer)
    assert f"Review: {voucher.title}" in client.get("/").content.decode()
    assert (
        'data-testid="review-decide"'
        in client.get(f"/testapp/voucher/{voucher.pk}/change/").content.decode()
    )
    queue = client.get("/reviews/reviewrequest/pending/").content.decode()
    assert voucher.title in queue
    assert client.get(f"/testapp/voucher/{voucher.pk}/review/").status_code == 405
    # An unknown verdict is refused with a message, and decides nothing.
    client.post(f"/testapp/voucher/{voucher.pk}/review/", {"verdict": "maybe"})
    assert 'data-testid="review-decide"' in (
        client.get(f"/testapp/voucher/{voucher.pk}/change/").content.decode()
    )
    client.post(
        f"/testapp/voucher/{voucher.pk}/review/", {"verdict": "reject", "note": "请补充附件"}
    )
    page = client.get(f"/testapp/voucher/{voucher.pk}/change/").content.decode()
    assert "请补充附件" in page
    assert 'data-testid="review-decide"' not in page
    assert f"Review: {voucher.title}" not in client.get("/").content.decode()
    client.force_login(admin_user)
    assert "Sent back" in client.get("/").content.decode()  # the author's notification
