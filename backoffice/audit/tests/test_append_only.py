import pytest
from django.db import DatabaseError, connection, transaction

from backoffice.accounts.models import Region
from backoffice.audit.models import AuditEvent
from backoffice.core.deletion import NotDeletable
from backoffice.core.services import model_delete, model_save


@pytest.fixture
def event(clerk):
    return model_save(instance=Region(code="west", name="西部"), by=clerk) and (
        AuditEvent.objects.get(model="accounts.region", action="create")
    )


@pytest.mark.django_db
def test_the_database_refuses_to_update_an_audit_event(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="rewritten")
    event.refresh_from_db()
    assert event.note == ""


@pytest.mark.django_db
def test_the_orm_refuses_to_delete_an_audit_event(event):
    with pytest.raises(NotDeletable), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_the_database_refuses_to_delete_an_audit_event(event):
    # Past the ORM's guard (core/deletion.py): the SQL the ORM would send.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_raw_sql_is_refused_too(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_create_update_delete_keep_who_when_and_before_after(clerk):
    region = model_save(instance=Region(code="west", name="西部"), by=clerk)
    region.name = "西部大区"
    model_save(instance=region, by=clerk)
    model_save(instance=region, by=clerk)  # nothing changed: no event
    model_delete(instance=region, by=clerk)

    events = list(AuditEvent.objects.filter(model="accounts.region").order_by("id"))
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert all(e.actor == clerk and e.occurred_at is not None for e in events)
    assert events[0].changes["name"] == [None, "西部"]
    assert events[1].changes == {"name": ["西部", "西部大区"]}
    assert events[2].changes["code"] == ["west", None]
    assert events[2].object_repr == "西部大区"


@pytest.mark.django_db
def test_an_invalid_record_is_not_saved_and_not_audited(clerk):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        model_save(instance=Region(code="bad code!", name=""), by=clerk)
    assert not Region.objects.filter(code="bad code!").exists()
    assert not AuditEvent.objects.filter(model="accounts.region").exists()


@pytest.mark.django_db
def test_a_password_never_reaches_the_audit_trail(clerk):
    password_hash = clerk.password
    events = AuditEvent.objects.filter(model="accounts.user", object_id=str(clerk.pk))
    stored = " ".join(str(e.changes) for e in events)
    assert events.exists()
    assert password_hash not in stored
    assert "pbkdf2" not in stored and "md5$" not in stored
