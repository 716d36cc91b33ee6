"""core.writes: the rows of a step nobody waits on go together as it ends; on PostgreSQL in
one statement. Run on both databases."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core import writes
from backoffice.core.models import Notification, Text
from backoffice.core.notifications import notify
from backoffice.core.writes import insert_instances_later, writes_together
from backoffice.sales.facts import facts_add
from backoffice.sales.models import SalesFact

pytestmark = pytest.mark.django_db
URL = "/writes-test/"


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "WITH"))]


def _record(by, action: str) -> None:
    audit_record(by=by, action=action, model="sales.salesorder", object_id="w7")


def _actions() -> list[str]:
    return [e.action for e in AuditEvent.objects.filter(object_id="w7").order_by("pk")]


def test_a_steps_rows_go_together_as_it_ends_in_one_statement_on_postgresql(clerk, rep_wang):
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), writes_together():
        _record(clerk, "transition")
        notify(recipients=[rep_wang, clerk], title=Text("Approved: %(d)s", d="SO-1"), url=URL)
        with writes_together():  # joins the one around it
            _record(clerk, "number")
        assert _actions() == []  # not yet
        assert not Notification.objects.filter(url=URL).exists()
        assert _writes(queries) == []
    written = _writes(queries)
    if connection.vendor == "postgresql":
        assert len(written) == 1
        assert written[0].startswith("WITH")
    else:  # one INSERT per table
        assert len(written) == 2
    assert _actions() == ["transition", "number"]  # in the order given
    told = Notification.objects.filter(url=URL).order_by("pk")
    assert [n.recipient for n in told] == [rep_wang, clerk]
    assert all(n.created_at and n.message["title"]["params"] == {"d": "SO-1"} for n in told)


def test_nothing_goes_when_the_step_raises(clerk, rep_wang):
    with pytest.raises(RuntimeError), transaction.atomic(), writes_together():
        _record(clerk, "action")
        notify(recipients=[rep_wang], title="Hello", url=URL)
        raise RuntimeError
    assert _actions() == []
    assert not Notification.objects.filter(url=URL).exists()


def test_a_block_inside_that_raises_takes_its_rows_back_and_the_step_goes_on(clerk):
    with transaction.atomic(), writes_together():
        _record(clerk, "transition")
        with pytest.raises(RuntimeError), writes_together():
            _record(clerk, "number")
            notify(recipients=[clerk], title="Hello", url=URL)
            raise RuntimeError
        _record(clerk, "action")
    assert _actions() == ["transition", "action"]
    assert not Notification.objects.filter(url=URL).exists()


def test_a_row_given_in_a_savepoint_goes_at_once_and_back_with_it(clerk):
    with transaction.atomic(), writes_together():
        _record(clerk, "transition")
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint of its own
            _record(clerk, "number")
            assert _actions() == ["number"]  # written at once, inside the savepoint
            raise RuntimeError
        assert _actions() == []  # rolled back with it; the step's own row still waits
    assert _actions() == ["transition"]


def test_many_rows_go_in_statements_under_the_values_limit(clerk, monkeypatch):
    monkeypatch.setattr(writes, "MOST_VALUES", 20)  # 8 values an event: two a statement
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), writes_together():
        for n in range(5):
            _record(clerk, f"step{n}")
    assert len(_writes(queries)) == 3
    assert _actions() == [f"step{n}" for n in range(5)]


def test_sums_of_one_key_twice_in_a_step(clerk, rep_wang, hospital, products):
    """The facts are not deferred: two additions to the same rows in one step (a reversal
    paid by two receipts) are two statements, never one that touches a row twice."""
    with transaction.atomic(), writes_together():
        for _ in range(2):
            facts_add(
                basis=SalesFact.Basis.ORDERED,
                day=date(2026, 11, 3),
                customer=hospital,
                region_id=hospital.region_id,
                owner_id=rep_wang.pk,
                lines=[(products[0], Decimal("2"), Decimal("20.00"), Decimal("17.70"))],
            )
            _record(clerk, "action")
    fact = SalesFact.objects.get(customer_id=hospital.pk, product_id=products[0].pk)
    assert fact.gross_amount == Decimal("40.00")


def test_outside_a_step_each_call_goes_at_once(clerk, rep_wang):
    with CaptureQueriesContext(connection) as queries:
        notify(recipients=[rep_wang, clerk], title="Hello", url=URL)  # its own block
        assert Notification.objects.filter(url=URL).count() == 2
        _record(clerk, "action")
        assert _actions() == ["action"]
    assert len(_writes(queries)) == 2


def test_an_instance_inserted_later_is_refused_an_expression(rep_wang):
    from django.db.models import Value

    with pytest.raises(TypeError, match="expression"), writes_together():
        insert_instances_later([Notification(recipient=rep_wang, title=Value("x"))])
