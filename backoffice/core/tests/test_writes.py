"""core.writes: the writes of a step nobody waits on go together as it ends; on PostgreSQL
in one statement. Run on both databases."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.models import Notification, Text
from backoffice.core.notifications import notify
from backoffice.core.writes import insert_instances_later, write_later, writes_together
from backoffice.sales.facts import facts_add
from backoffice.sales.models import SalesFact, SalesMonth

pytestmark = pytest.mark.django_db
URL = "/writes-test/"


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "WITH", "UPDATE"))
    ]


def test_a_steps_writes_go_together_as_it_ends_in_one_statement_on_postgresql(
    clerk, rep_wang, hospital, products
):
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), writes_together():
        audit_record(by=clerk, action="transition", model="sales.salesorder", object_id=7)
        notify(recipients=[rep_wang, clerk], title=Text("Approved: %(d)s", d="SO-1"), url=URL)
        facts_add(
            basis=SalesFact.Basis.ORDERED,
            day=date(2026, 11, 3),
            customer=hospital,
            region_id=hospital.region_id,
            owner_id=rep_wang.pk,
            lines=[(products[0], Decimal("2"), Decimal("20.00"), Decimal("17.70"))],
        )
        with writes_together():  # joins the one around it
            audit_record(by=clerk, action="number", model="sales.salesorder", object_id=7)
        assert not AuditEvent.objects.filter(object_id="7").exists()  # not yet
        assert not Notification.objects.filter(url=URL).exists()
        assert _writes(queries) == []
    written = _writes(queries)
    if connection.vendor == "postgresql":
        assert len(written) == 1
        assert written[0].startswith("WITH")
    else:  # one INSERT per table's rows; the sums' rows one by one (executemany)
        assert sum(sql.startswith('INSERT INTO "audit_auditevent"') for sql in written) == 1
        assert sum(sql.startswith('INSERT INTO "core_notification"') for sql in written) == 1
    events = AuditEvent.objects.filter(object_id="7").order_by("pk")
    assert [e.action for e in events] == ["transition", "number"]  # in the order given
    told = Notification.objects.filter(url=URL).order_by("pk")
    assert [n.recipient for n in told] == [rep_wang, clerk]
    assert all(n.created_at and n.message["title"]["params"] == {"d": "SO-1"} for n in told)
    assert SalesMonth.objects.filter(customer_id=hospital.pk).exists()
    assert SalesFact.objects.filter(
        customer_id=hospital.pk, product_id=products[0].pk
    ).get().gross_amount == Decimal("20.00")


def test_nothing_goes_when_the_step_raises(clerk, rep_wang):
    with pytest.raises(RuntimeError), transaction.atomic(), writes_together():
        audit_record(by=clerk, action="action", model="sales.salesorder", object_id=7)
        notify(recipients=[rep_wang], title="Hello", url=URL)
        raise RuntimeError
    assert not AuditEvent.objects.filter(object_id="7").exists()
    assert not Notification.objects.filter(url=URL).exists()


def test_outside_a_step_each_write_goes_at_once(clerk, rep_wang):
    with CaptureQueriesContext(connection) as queries:
        notify(recipients=[rep_wang, clerk], title="Hello", url=URL)  # its block: one INSERT
        assert Notification.objects.filter(url=URL).count() == 2
        write_later(
            (
                'UPDATE "core_notification" SET is_read = %s WHERE recipient_id = %s',
                [True, clerk.pk],
            )
        )
        assert Notification.objects.get(recipient=clerk, url=URL).is_read
    assert len([sql for sql in _writes(queries) if "core_notification" in sql]) == 2


def test_an_instance_inserted_later_is_refused_an_expression(rep_wang):
    from django.db.models import Value

    with pytest.raises(TypeError, match="expression"), writes_together():
        insert_instances_later([Notification(recipient=rep_wang, title=Value("x"))])
