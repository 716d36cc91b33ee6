import pytest

from backoffice.reviews.tests.conftest import _grant


@pytest.mark.django_db
def test_the_queue_filters_by_document_kind(api, voucher, rep_wang, make_reviewer):
    author = _grant(rep_wang, "review_voucher")
    api.force_authenticate(author)
    assert api.post(f"/api/v1/testapp/vouchers/{voucher.pk}/submit/").status_code == 200
    api.force_authenticate(make_reviewer())
    url = "/api/v1/reviews/pending/"
    mine = api.get(url, {"kind": "testapp.voucher"}).json()["results"]
    assert [row["document_id"] for row in mine] == [voucher.pk]
    assert api.get(url, {"kind": "sales.delivery"}).json()["results"] == []
    refused = api.get(url, {"kind": "testapp.receipt"})
    assert refused.status_code == 400
    assert list(refused.json()["extra"]["fields"]) == ["kind"]
