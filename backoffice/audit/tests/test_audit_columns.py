"""audit_record writes its INSERT itself: its columns are the model's, every one; a batch
(core.writes) writes the events of a step in one INSERT."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import EVENT_COLUMNS, audit_record
from backoffice.core.access import COMPANY
from backoffice.core.writes import writes_together


def test_the_written_insert_names_every_column_of_an_event():
    columns = {field.column for field in AuditEvent._meta.concrete_fields if not field.primary_key}
    assert set(EVENT_COLUMNS) == columns


@pytest.mark.django_db
def test_an_actor_without_a_person_is_refused_not_recorded_as_the_system():
    with pytest.raises(ValueError, match="saved person"):
        audit_record(by=COMPANY, action="action", model="sales.salesorder", object_id=1)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_batch_writes_its_events_in_one_insert_as_it_ends(clerk):
    def record(action: str) -> None:
        audit_record(by=clerk, action=action, model="sales.salesorder", object_id=7)

    with CaptureQueriesContext(connection) as queries, writes_together():
        record("transition")
        with writes_together():  # joins the batch around it
            record("number")
        assert not AuditEvent.objects.filter(object_id="7").exists()  # not yet
        record("action")
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    events = AuditEvent.objects.filter(object_id="7").order_by("pk")
    assert [e.action for e in events] == ["transition", "number", "action"]
    assert {(e.actor_id, e.model, e.object_id) for e in events} == {
        (clerk.pk, "sales.salesorder", "7")
    }


@pytest.mark.django_db
def test_a_batch_that_raises_writes_nothing(clerk):
    with pytest.raises(RuntimeError), writes_together():
        audit_record(by=clerk, action="action", model="sales.salesorder", object_id=7)
        raise RuntimeError
    audit_record(by=clerk, action="number", model="sales.salesorder", object_id=7)  # no batch
    assert [e.action for e in AuditEvent.objects.filter(object_id="7")] == ["number"]
