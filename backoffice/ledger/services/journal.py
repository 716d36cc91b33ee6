"""The chart of accounts and double-entry postings (DOMAIN §4): the account codes postings
name, the accounts each app registers, and `journal_post`, which refuses an entry that does
not balance. Numbers are gapless."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import round_amount, sum_amounts, to_decimal
from backoffice.core.numbering import next_number
from backoffice.ledger.exceptions import Unbalanced
from backoffice.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
)

# The chart of accounts' codes (企业会计准则) that postings name.
CASH, BANK, BILLS, AR, ADVANCES, OUTPUT_VAT, REVENUE = (
    "1001",
    "1002",
    "1121",
    "1122",
    "2203",
    "22210106",
    "6001",
)


# The payables side (purchase contracts): supplier invoices and payments.
INVENTORY, PREPAYMENTS, BILLS_PAYABLE, AP, INPUT_VAT = (
    "1405",
    "1123",
    "2201",
    "2202",
    "22210101",
)


# Receivables brought in from a previous system (期初余额) are balanced against retained
# earnings: the revenue behind them was booked there before. Sales registers it.
OPENING = "4104"


# The chart of accounts: each app registers, from its apps.py, the accounts it posts to;
# `accounts_sync` writes them after every migrate.
_accounts: dict[str, tuple[str, str]] = {}


def register_account(code: str, name: str, kind: str) -> None:
    if _accounts.get(code, (name, kind)) != (name, kind):
        raise ImproperlyConfigured(f"account {code} is registered twice, differently")
    _accounts[code] = (name, kind)


def registered_accounts() -> list[tuple[str, str, str]]:
    """(code, name, kind) of every registered account, by code."""
    return [(code, name, kind) for code, (name, kind) in sorted(_accounts.items())]


def ledger_accounts_register() -> None:
    """The accounts the ledger's own services post to (called from LedgerConfig.ready)."""
    for code, name, kind in [
        (CASH, "库存现金", Account.Kind.ASSET),
        (BANK, "银行存款", Account.Kind.ASSET),
        (BILLS, "应收票据", Account.Kind.ASSET),
        (AR, "应收账款", Account.Kind.ASSET),
        (ADVANCES, "预收账款", Account.Kind.LIABILITY),
        (OUTPUT_VAT, "应交税费—应交增值税（销项税额）", Account.Kind.LIABILITY),
        (REVENUE, "主营业务收入", Account.Kind.REVENUE),
        (INVENTORY, "库存商品", Account.Kind.ASSET),
        (PREPAYMENTS, "预付账款", Account.Kind.ASSET),
        (BILLS_PAYABLE, "应付票据", Account.Kind.LIABILITY),
        (AP, "应付账款", Account.Kind.LIABILITY),
        (INPUT_VAT, "应交税费—应交增值税（进项税额）", Account.Kind.LIABILITY),
    ]:
        register_account(code, name, kind)


def _money_checked(amount: Any, method: str, methods: dict[str, str]) -> Decimal:
    """The amount of a receipt or payment, more than 0, by a known method."""
    amount = round_amount(to_decimal(amount))
    if amount <= 0:
        raise ValidationFailed(extra={"fields": {"amount": [_("must be more than 0")]}})
    if method not in methods:
        raise ValidationFailed(extra={"fields": {"method": [_("unknown method")]}})
    return amount


def accounts_sync(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """The chart of accounts the postings use; applied after every migrate."""
    for code, name, kind in registered_accounts():
        Account.objects.using(using).get_or_create(code=code, defaults={"name": name, "kind": kind})


def journal_post(
    *,
    posted_on: date,
    source_model: str,
    source_id: int,
    source_number: str,
    memo: str,
    lines: list[tuple[str, int | None, Decimal, Decimal]],
    by: User | None,
) -> JournalEntry:
    """One balanced entry: lines are (account code, customer id, debit, credit)."""
    lines = [(code, customer, round_amount(d), round_amount(c)) for code, customer, d, c in lines]
    lines = [line for line in lines if line[2] or line[3]]
    if sum_amounts(line[2] for line in lines) != sum_amounts(line[3] for line in lines):
        raise Unbalanced(extra={"lines": [[c, str(d), str(k)] for c, _, d, k in lines]})
    accounts = {a.code: a for a in Account.objects.filter(code__in={line[0] for line in lines})}
    entry = JournalEntry.objects.create(
        number=next_number(kind="JE", year=posted_on.year),
        posted_on=posted_on,
        source_model=source_model,
        source_id=source_id,
        source_number=source_number,
        memo=memo[:200],
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    JournalLine.objects.bulk_create(
        JournalLine(
            entry=entry,
            account=accounts[code],
            customer_id=customer,
            posted_on=posted_on,
            debit=debit,
            credit=credit,
        )
        for code, customer, debit, credit in lines
    )
    return entry
