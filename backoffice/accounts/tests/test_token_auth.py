"""The API's token authentication (core.api.TokenAuthentication): DRF's answers, with the
token's read built once per process, and keys no token can have refused without a query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/users/me/"


def test_a_token_names_its_user(api, clerk, rep_wang):
    for user in (clerk, rep_wang, clerk):  # the read kept from the first is the same for all
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
        answer = api.get(ME)
        assert answer.status_code == 200
        assert answer.json()["username"] == user.username


def test_an_unknown_token_and_a_disabled_user_are_refused(api, clerk):
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    unknown = api.get(ME)
    assert unknown.status_code == 401
    token = Token.objects.create(user=clerk)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    disabled = api.get(ME)
    assert disabled.status_code == 401
    assert disabled.json() != unknown.json()  # says which: DRF's two messages


@pytest.mark.parametrize("key", ["a" * 41, "abc\x00def"])
def test_a_key_no_token_can_have_is_refused_without_asking(api, clerk, key):
    Token.objects.create(user=clerk)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with CaptureQueriesContext(connection) as asked:
        refused = api.get(ME)
    assert refused.status_code == 401
    assert not [q for q in asked.captured_queries if "authtoken_token" in q["sql"]]
