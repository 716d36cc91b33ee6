"""Issue 16: every row of a big report comes from each period's rows kept as JSON
(reports/selectors/sales.py, `_kept_rows`), and equals the rows computed afresh after every
change they were written from: a month's sums, the month before's and the year before's
(the comparisons), a name, the reader's language, who reads; an entry written while what
it read moved is not kept."""

import json
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection  # noqa: F401 - the skipif condition reads it
from django.utils import translation

from backoffice.catalog.models import Product
from backoffice.parties.models import Customer
from backoffice.reports.apis import _text
from backoffice.reports.selectors import sales as selectors
from backoffice.reports.selectors.sales import SalesQuery, sales_statistics, sales_statistics_json
from backoffice.reports.tests.test_sales_statistics import dataset  # noqa: F401 - a fixture
from backoffice.reports.tests.test_sales_trends import WHOLE
from backoffice.sales.facts import facts_add
from backoffice.sales.models import SalesFact

pytestmark = [pytest.mark.django_db, pytest.mark.skipif("connection.vendor != 'postgresql'")]
BY_CUSTOMER = SalesQuery(*WHOLE, "month", ("customer",), "ordered")


class _Statements:
    """The statements that write a report's rows (kept or not), and the periods each wrote."""

    def __init__(self) -> None:
        self.periods: list[list] = []
        self.patch = mock.patch.object(selectors, "_fetch_utf8", self._fetch)
        self.fetch = selectors._fetch_utf8

    def _fetch(self, *args):
        found = self.fetch(*args)
        self.periods.append([row[0] for row in found])
        return found

    def __enter__(self) -> "_Statements":
        self.patch.start()
        return self

    def __exit__(self, *exc) -> None:
        self.patch.stop()

    @property
    def call_count(self) -> int:
        return len(self.periods)


def _statements() -> _Statements:
    return _Statements()


def _same(by, query) -> list[dict]:
    """The report's rows through the kept path, checked against the rows Python builds."""
    text, _totals, count = sales_statistics_json(by=by, query=query)
    rows = json.loads(text)
    assert rows == [_text(r) for r in sales_statistics(by=by, query=query)["rows"]]
    assert count == len(rows)
    return rows


def _sell(customer: Customer, day, amount: str) -> None:
    """An ordered sale of `amount` on `day` (its facts and monthly sums, as a document's)."""
    product = Product.objects.order_by("pk").first()
    gross = Decimal(amount)
    facts_add(
        basis=SalesFact.Basis.ORDERED,
        day=day,
        customer=customer,
        region_id=customer.region_id or 0,
        owner_id=customer.owner_id or 0,
        lines=[
            (product, Decimal("1.000"), gross, (gross / Decimal("1.13")).quantize(Decimal("0.01")))
        ],
    )


def test_every_row_is_kept_and_follows_each_change_it_was_written_from(dataset, clerk):  # noqa: F811
    rows = _same(clerk, BY_CUSTOMER)
    assert rows and selectors._keeps(clerk, BY_CUSTOMER)
    with _statements() as statements:
        assert _same(clerk, BY_CUSTOMER) == rows
        assert statements.call_count == 0  # every period's rows were kept
    customer = Customer.objects.get(code=rows[-1]["customer"])
    last = WHOLE[1].replace(day=1)
    # a sale in the last month: that month's rows are written again, only those
    _sell(customer, last, "100.00")
    with _statements() as statements:
        changed = _same(clerk, BY_CUSTOMER)
        assert changed != rows and statements.periods == [[last]]
    # another in the same month: its monthly rows are there now, and only their sums move
    _sell(customer, last + timedelta(days=1), "0.01")
    changed = _same(clerk, BY_CUSTOMER)
    # a sale a year before the last month: the last month's comparison with last year moves
    year_ago = last.replace(year=last.year - 1)
    _sell(customer, year_ago + timedelta(days=3), "7.00")
    again = _same(clerk, BY_CUSTOMER)
    mine = [r for r in again if r["customer"] == customer.code and r["period"] == f"{last:%Y-%m}"]
    before = [
        r for r in changed if r["customer"] == customer.code and r["period"] == mine[0]["period"]
    ]
    assert Decimal(mine[0]["last_year_amount"]) == Decimal(before[0]["last_year_amount"]) + 7
    # a sale the month before the last: its comparison with the previous period moves
    _sell(customer, last - timedelta(days=1), "3.00")
    _same(clerk, BY_CUSTOMER)
    # a name
    customer.name = "改名的医院"
    customer.save()
    renamed = _same(clerk, BY_CUSTOMER)
    assert "改名的医院" in {r["customer_name"] for r in renamed}


def test_each_reader_and_each_language_has_its_own_rows(
    dataset,  # noqa: F811
    clerk,
    rep_li,
    manager_north,
    region_east,
):
    by_kind = SalesQuery(*WHOLE, "month", ("customer_kind",), "ordered")
    english = _same(clerk, by_kind)
    with translation.override("zh-hans"):
        chinese = _same(clerk, by_kind)
    assert {r["customer_kind_name"] for r in english} != {r["customer_kind_name"] for r in chinese}
    everyone = _same(clerk, BY_CUSTOMER)
    own = _same(rep_li, BY_CUSTOMER)  # her own customers only
    assert own and len(own) < len(everyone)
    by_region = SalesQuery(*WHOLE, "month", ("region", "product"), "ordered")
    north = _same(manager_north, by_region)
    manager_north.regions.set([region_east])  # moved: the same statement, other rows
    east = _same(manager_north, by_region)
    assert {r["region_name"] for r in north} != {r["region_name"] for r in east}


def test_rows_written_while_what_they_read_moved_are_not_kept(dataset, clerk):  # noqa: F811
    rows = _same(clerk, BY_CUSTOMER)  # every period kept
    customer = Customer.objects.get(code=rows[-1]["customer"])
    last = WHOLE[1].replace(day=1)
    month_before = (last - timedelta(days=1)).replace(day=1)
    _sell(customer, last, "10.00")  # the last month's rows are to be written again
    stamps, readings = selectors._kept_stamps, []

    def read_again(*args):
        readings.append(args)
        if len(readings) == 2:  # after the rows were written: a sale the month before
            _sell(customer, month_before + timedelta(days=2), "50.00")
        return stamps(*args)

    with mock.patch.object(selectors, "_kept_stamps", read_again), _statements() as statements:
        # the answer is the report after both sales, written afresh (not the month before
        # as it was kept beside the last month written after the sale)
        _same(clerk, BY_CUSTOMER)
        assert statements.periods[0] == [last] and len(statements.periods) == 2
    with _statements() as statements:
        _same(clerk, BY_CUSTOMER)
        # nothing written while the sums moved was kept: both months are written again
        assert statements.periods == [[month_before, last]]
    with _statements() as statements:
        _same(clerk, BY_CUSTOMER)
        assert statements.call_count == 0
