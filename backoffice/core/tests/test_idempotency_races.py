"""Two identical requests with one Idempotency-Key in flight at once make one document."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from backoffice.core.models import IdempotencyKey
from backoffice.core.tests.races import all_at_once
from backoffice.ledger.models import Receipt

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def test_the_same_receipt_posted_twice_at_once_is_one_receipt(hospital, finance):
    token = Token.objects.create(user=finance)
    body = {
        "customer": hospital.pk,
        "amount": "100.00",
        "received_on": timezone.localdate().isoformat(),
    }

    def post():
        client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client.post(
            "/api/v1/ledger/receipts/",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="race-1",
        )

    answers, errors = all_at_once([post, post, post])
    assert errors == []
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.content for a in answers}) == 1
    assert Receipt.objects.count() == 1


def test_retries_at_once_of_a_key_whose_worker_died_make_one_receipt(hospital, finance, settings):
    """A dead request's key, stale: of several retries at once, one takes it over and does
    the work; the others wait for its answer."""
    settings.IDEMPOTENCY_STALE_SECONDS = 60
    token = Token.objects.create(user=finance)
    body = {
        "customer": hospital.pk,
        "amount": "100.00",
        "received_on": timezone.localdate().isoformat(),
    }

    def post(key):
        client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client.post(
            "/api/v1/ledger/receipts/",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    assert post("probe").status_code == 201  # the same request's fingerprint, another key
    probe = IdempotencyKey.objects.get(key="probe")
    dead = IdempotencyKey.objects.create(user=finance, key="race-2", fingerprint=probe.fingerprint)
    then = timezone.now() - timedelta(minutes=5)
    IdempotencyKey.objects.filter(pk=dead.pk).update(created_at=then)

    answers, errors = all_at_once([lambda: post("race-2")] * 3)
    assert errors == []
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.content for a in answers}) == 1
    assert Receipt.objects.count() == 2  # the probe's, and one for the three retries
