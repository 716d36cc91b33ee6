import sqlite3

import pytest
from django.db import connection

from backoffice.accounts.models import Region, User
from backoffice.audit.selectors import audit_event_newest_of
from backoffice.audit.services import audit_record


@pytest.mark.django_db
def test_the_newest_events_of_several_kinds_of_records_newest_first(clerk):
    north, south, west = (
        Region.objects.create(code=code, name=code) for code in ("t-north", "t-south", "west")
    )
    for obj, note in [(north, "1"), (clerk, "2"), (west, "3"), (south, "4"), (north, "5")]:
        audit_record(by=None, action="action", obj=obj, note=note)
    records = {
        Region: Region.objects.filter(code__startswith="t-"),
        User: User.objects.filter(pk=clerk.pk),
    }
    assert [e.note for e in audit_event_newest_of(records, limit=3)] == ["5", "4", "2"]
    # west's event is not of these records; a limit above their count gives them all (the
    # clerk's own creation among them)
    every = list(audit_event_newest_of(records, limit=50))
    assert [e.note for e in every if e.action == "action"] == ["5", "4", "2", "1"]
    assert {(e.model, e.object_id) for e in every} == {
        ("accounts.region", str(north.pk)),
        ("accounts.region", str(south.pk)),
        ("accounts.user", str(clerk.pk)),
    }


@pytest.mark.django_db
def test_no_list_of_ids_passes_through_the_statement(clerk):
    """A customer's tens of thousands of documents would pass SQLite's limit of parameters
    if their ids were listed: the records go in as a query, whatever their number."""
    if connection.vendor != "sqlite":
        pytest.skip("the limit of parameters checked is SQLite's")
    regions = Region.objects.bulk_create(Region(code=f"t-{n}", name=f"{n}") for n in range(30))
    for region in regions:
        audit_record(by=None, action="action", obj=region, note=region.code)
    connection.ensure_connection()
    raw = connection.connection
    before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 12)  # fewer than the regions
    try:
        events = list(
            audit_event_newest_of({Region: Region.objects.filter(code__startswith="t-")}, limit=40)
        )
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
    assert sorted(e.note for e in events) == sorted(r.code for r in regions)
