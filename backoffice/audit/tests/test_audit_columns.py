"""audit_record writes its INSERT itself: its columns are the model's, every one."""

import pytest

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import EVENT_COLUMNS, audit_record
from backoffice.core.access import COMPANY


def test_the_written_insert_names_every_column_of_an_event():
    columns = {field.column for field in AuditEvent._meta.concrete_fields if not field.primary_key}
    assert set(EVENT_COLUMNS) == columns


@pytest.mark.django_db
def test_an_actor_without_a_person_is_refused_not_recorded_as_the_system():
    with pytest.raises(ValueError, match="saved person"):
        audit_record(by=COMPANY, action="action", model="sales.salesorder", object_id=1)
    assert not AuditEvent.objects.exists()
