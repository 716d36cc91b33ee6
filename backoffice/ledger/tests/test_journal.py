from datetime import date
from decimal import Decimal

import pytest

from backoffice.ledger.exceptions import Unbalanced
from backoffice.ledger.models import JournalEntry
from backoffice.ledger.services import journal_post


@pytest.mark.django_db
def test_an_unbalanced_entry_is_refused_and_nothing_is_written():
    with pytest.raises(Unbalanced):
        journal_post(
            posted_on=date(2026, 1, 1),
            source_model="x.y",
            source_id=1,
            source_number="X1",
            memo="test",
            lines=[
                ("1002", None, Decimal("10.00"), Decimal("0")),
                ("6001", None, Decimal("0"), Decimal("9.99")),
            ],
            by=None,
        )
    assert not JournalEntry.objects.exists()


@pytest.mark.django_db
def test_entries_are_numbered_per_year():
    lines = [
        ("1002", None, Decimal("1.00"), Decimal("0")),
        ("6001", None, Decimal("0"), Decimal("1.00")),
    ]
    first = journal_post(
        posted_on=date(2026, 1, 1),
        source_model="x.y",
        source_id=1,
        source_number="",
        memo="",
        lines=lines,
        by=None,
    )
    second = journal_post(
        posted_on=date(2026, 1, 2),
        source_model="x.y",
        source_id=2,
        source_number="",
        memo="",
        lines=lines,
        by=None,
    )
    assert (first.number, second.number) == ("JE-2026-000001", "JE-2026-000002")
