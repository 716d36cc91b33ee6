"""The chart of accounts is a registry: each app registers the accounts it posts to."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from backoffice.ledger.models import Account
from backoffice.ledger.services import register_account, registered_accounts


@pytest.mark.django_db
def test_the_chart_holds_every_registered_account_as_before():
    assert list(Account.objects.values_list("code", "kind")) == [
        ("1001", "asset"),
        ("1002", "asset"),
        ("1121", "asset"),
        ("1122", "asset"),
        ("1123", "asset"),
        ("1221", "asset"),  # registered by expenses, with 2241 and 6601 and its sub-accounts
        ("1405", "asset"),
        ("2201", "liability"),
        ("2202", "liability"),
        ("2203", "liability"),
        ("22210101", "liability"),
        ("22210106", "liability"),
        ("2241", "liability"),
        ("4104", "equity"),  # registered by sales, for the history import's opening balances
        ("6001", "revenue"),
        ("6601", "expense"),
        *((f"6601{n:02d}", "expense") for n in range(1, 11)),
    ]
    assert [code for code, _name, _kind in registered_accounts()] == list(
        Account.objects.values_list("code", flat=True)
    )


def test_an_account_registered_twice_must_agree():
    register_account("1002", "银行存款", "asset")  # the same again is harmless
    with pytest.raises(ImproperlyConfigured):
        register_account("1002", "Bank", "asset")
