"""Idempotency-Key (issue 15 §12): a retry does the work once and gets the first answer."""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from backoffice.core.idempotency import (
    idempotency_key_claim,
    idempotency_key_finish,
    idempotency_keys_expire,
)
from backoffice.core.models import IdempotencyKey
from backoffice.ledger.models import Receipt

RECEIPTS = "/api/v1/ledger/receipts/"


def _receipt(customer, amount="100.00"):
    return {
        "customer": customer.pk,
        "amount": amount,
        "received_on": timezone.localdate().isoformat(),
        "method": "bank",
        "bank_reference": "CMB-IDEM-1",
    }


@pytest.mark.django_db
def test_five_retries_of_one_receipt_make_one_receipt(api, hospital, finance):
    api.force_authenticate(finance)
    answers = [
        api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="rc-1")
        for _ in range(5)
    ]
    assert {a.status_code for a in answers} == {201}
    assert Receipt.objects.count() == 1
    assert len({a.content for a in answers}) == 1  # the first answer, byte for byte
    assert "Idempotent-Replayed" not in answers[0]
    assert [a["Idempotent-Replayed"] for a in answers[1:]] == ["true"] * 4


@pytest.mark.django_db
def test_without_a_key_each_post_is_a_new_receipt(api, hospital, finance):
    api.force_authenticate(finance)
    for _ in range(2):
        assert api.post(RECEIPTS, _receipt(hospital), format="json").status_code == 201
    assert Receipt.objects.count() == 2


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(api, hospital, finance):
    api.force_authenticate(finance)
    first = api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = api.post(RECEIPTS, _receipt(hospital, "99.00"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 201
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    assert Receipt.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_on_another_endpoint_is_refused(api, hospital, finance, region_north):
    api.force_authenticate(finance)
    api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = api.post(
        "/api/v1/parties/customers/",
        _receipt(hospital),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


@pytest.mark.django_db
def test_keys_belong_to_one_user(api, hospital, finance, admin_user):
    for user in (finance, admin_user):
        api.force_authenticate(user)
        answer = api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert answer.status_code == 201
        assert "Idempotent-Replayed" not in answer
    assert Receipt.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_request_releases_its_key(api, hospital, finance):
    """Nothing was done (the service is atomic): the corrected retry with the same key runs."""
    api.force_authenticate(finance)
    body = {**_receipt(hospital), "amount": "-1"}
    refused = api.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    again = api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 201


@pytest.mark.django_db
def test_a_token_caller_is_recognised(hospital, finance):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=finance)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    for _ in range(3):
        answer = client.post(
            RECEIPTS,
            _receipt(hospital),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="tk",
        )
        assert answer.status_code == 201
    assert Receipt.objects.count() == 1


@pytest.mark.django_db
def test_an_anonymous_post_is_refused_as_before(api, hospital):
    answer = api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert answer.status_code == 401
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_a_key_in_progress_answers_409_after_waiting(api, hospital, finance, settings):
    settings.IDEMPOTENCY_WAIT_SECONDS = 0
    api.force_authenticate(finance)
    body = _receipt(hospital)
    api.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    IdempotencyKey.objects.update(status_code=None)  # as if the first were still running
    answer = api.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert (answer.status_code, answer.json()["code"]) == (409, "idempotency_key_in_progress")
    assert Receipt.objects.count() == 1


def _dead_claim(api, hospital, finance, *, key, seconds_ago):
    """The row a request whose worker died leaves: the key claimed for this very request
    (method, path, body), no answer, and nothing done (its transaction went with it). The
    fingerprint is taken from a probe: the same request under another key."""
    body = _receipt(hospital)
    api.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY=f"probe-{key}")
    probe = IdempotencyKey.objects.get(key=f"probe-{key}")
    row = IdempotencyKey.objects.create(user=finance, key=key, fingerprint=probe.fingerprint)
    claimed_at = timezone.now() - timedelta(seconds=seconds_ago)
    IdempotencyKey.objects.filter(pk=row.pk).update(created_at=claimed_at)
    return body


@pytest.mark.django_db
def test_a_key_whose_worker_died_is_taken_over_by_a_retry_after_the_stale_window(
    api, hospital, finance, settings
):
    settings.IDEMPOTENCY_WAIT_SECONDS = 0
    settings.IDEMPOTENCY_STALE_SECONDS = 60
    api.force_authenticate(finance)
    body = _dead_claim(api, hospital, finance, key="k", seconds_ago=30)
    early = api.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert (early.status_code, early.json()["code"]) == (409, "idempotency_key_in_progress")
    IdempotencyKey.objects.filter(key="k").update(created_at=timezone.now() - timedelta(minutes=2))
    retry = api.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Receipt.objects.count() == 2  # the probe's, and the retry's
    again = api.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again["Idempotent-Replayed"] == "true" and again.content == retry.content
    assert Receipt.objects.count() == 2


@pytest.mark.django_db
def test_a_request_that_crashes_releases_its_key_and_the_retry_runs(
    api, hospital, finance, monkeypatch
):
    api.force_authenticate(finance)

    def crash(**kwargs):
        raise RuntimeError("the worker fell over mid-request")

    monkeypatch.setattr("backoffice.ledger.apis.receipt_create", crash)
    with pytest.raises(RuntimeError):
        api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    retry = api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Receipt.objects.count() == 1


@pytest.mark.django_db
def test_a_claim_taken_over_belongs_to_its_new_request(finance, settings):
    """The first request, slow rather than dead, finishes after a retry took its key over:
    its answer is not kept over the retry's, and it releases nothing."""
    settings.IDEMPOTENCY_STALE_SECONDS = 60
    first = idempotency_key_claim(user=finance, key="k", fingerprint="f")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    first.created_at = IdempotencyKey.objects.get().created_at
    second = idempotency_key_claim(user=finance, key="k", fingerprint="f")
    assert second.status_code is None and second.created_at > first.created_at
    request = RequestFactory().post("/api/v1/ledger/receipts/")
    idempotency_key_finish(request=request, claim=first, response=HttpResponse(status=500))
    idempotency_key_finish(request=request, claim=first, response=HttpResponse(b"1", status=201))
    assert IdempotencyKey.objects.get().status_code is None  # still the retry's claim
    idempotency_key_finish(request=request, claim=second, response=HttpResponse(b"2", status=201))
    assert bytes(IdempotencyKey.objects.get().body) == b"2"


@pytest.mark.django_db
def test_keys_expire_in_the_daily_jobs(api, hospital, finance, settings):
    api.force_authenticate(finance)
    api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="old")
    api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="new")
    old = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS + 1)
    IdempotencyKey.objects.filter(key="old").update(created_at=old)
    assert idempotency_keys_expire() == {"deleted": 1}
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    # an expired key is a new request
    answer = api.post(RECEIPTS, _receipt(hospital), format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert "Idempotent-Replayed" not in answer
    assert Receipt.objects.count() == 3


@pytest.mark.django_db
def test_a_form_submitted_twice_with_its_key_adds_one_record(admin_user):
    """The staff UI: the add view (and every POST form) honours the form's key."""
    from backoffice.accounts.models import Region

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    form = {"code": "south", "name": "华南", "is_active": "on", "idempotency_key": "page-1"}
    first = client.post("/accounts/region/add/", form)
    second = client.post("/accounts/region/add/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Region.objects.filter(code="south").count() == 1
    other = client.post("/accounts/region/add/", {**form, "code": "west"})
    assert other.status_code == 409
    assert "already used for another request" in other.content.decode()
    assert not Region.objects.filter(code="west").exists()


@pytest.mark.django_db
def test_a_form_with_errors_releases_its_key(admin_user):
    from backoffice.accounts.models import Region

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    form = {"code": "", "name": "华南", "is_active": "on", "idempotency_key": "page-2"}
    assert client.post("/accounts/region/add/", form).status_code == 200  # the form again
    fixed = client.post("/accounts/region/add/", {**form, "code": "south"})
    assert fixed.status_code == 302
    assert Region.objects.filter(code="south").count() == 1
