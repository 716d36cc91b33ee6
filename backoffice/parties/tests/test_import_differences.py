"""Issue 15 §22 for the customer import: a row that differs from the customer already there
is shown field by field and updated through the customer service (audited); credit limit,
payment terms and region are never changed by an import (refused, and reported); the file's
hash and counts are kept in its record, and the same file is not imported twice unless
asked. §8: one import at a time per user, and a daily limit."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from backoffice.audit.models import AuditEvent
from backoffice.core.imports import AlreadyImported, ImportBusy, ImportQuotaExceeded
from backoffice.parties.imports import customer_import_run
from backoffice.parties.models import Customer, CustomerImport
from backoffice.parties.tests.test_import import GOOD, HEADER, xlsx

URL = "/api/v1/parties/customers/import/"
FILE = xlsx(GOOD)  # once: a workbook written again differs in its timestamp, and its hash


def _changed() -> bytes:
    """The same customers; the hospital with a new phone, a new credit limit and terms."""
    header = [*HEADER, "电话", "账期"]
    hospital = [*GOOD[0], "010-88886666", "30"]
    hospital[4] = 900000
    hospital[-1] = "90"
    return xlsx([hospital, [*GOOD[1], "", ""]], header=header)


@pytest.fixture
def imported(clerk, rep_wang, region_north):
    record, result = customer_import_run(content=FILE, filename="c.xlsx", by=clerk)
    assert result.ok and record.counts["created"] == 2
    return Customer.objects.get(name="北京医院")


@pytest.mark.django_db
def test_a_changed_row_is_updated_audited_and_its_refused_terms_reported(clerk, imported):
    record, result = customer_import_run(content=_changed(), filename="c2.xlsx", by=clerk)
    assert result.ok
    assert record.counts | {} == {
        "created": 0,
        "updated": 1,
        "unchanged": 1,
        "refused_differences": 2,
        "errors": 0,
    }
    found = {(d["field"], d["applied"]): (d["old"], d["new"]) for d in record.differences}
    assert found[("phone", True)] == ("", "010-88886666")
    assert found[("credit_limit", False)] == ("500000.5", "900000")
    assert found[("payment_terms_days", False)] == ("30", "90")
    assert all(d["row"] == 2 and d["code"] == imported.code for d in record.differences)
    imported.refresh_from_db()
    assert imported.phone == "010-88886666"
    assert imported.credit_limit == Decimal("500000.50") and imported.payment_terms_days == 30
    changes = AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, model="parties.customer", object_id=str(imported.pk)
    )
    change = changes.get()
    assert "phone" in change.changes and "credit_limit" not in change.changes
    assert change.actor == clerk
    assert len(record.sha256) == 64 and record.status == CustomerImport.Status.SUCCEEDED


@pytest.mark.django_db
def test_a_changed_region_is_refused_not_applied(clerk, imported, region_east, rep_li):
    row = [*GOOD[0]]
    row[2], row[7] = region_east.code, "rep_li"  # moved to another region and rep
    _record, result = customer_import_run(content=xlsx([row]), filename="c.xlsx", by=clerk)
    refused = {d.field for d in result.differences if not d.applied}
    assert "region" in refused
    imported.refresh_from_db()
    assert imported.region_id != region_east.pk


@pytest.mark.django_db
def test_the_preview_shows_each_difference_before_anything_is_written(client, clerk, imported):
    client.force_login(clerk)
    upload = SimpleUploadedFile("c2.xlsx", _changed())
    page = client.post("/parties/customer/import/", {"file": upload})
    body = page.content.decode()
    assert 'data-testid="import-differences"' in body and "010-88886666" in body
    assert "1 to update" in body
    imported.refresh_from_db()
    assert imported.phone == ""
    done = client.post("/parties/customer/import/", {"token": page.context["token"]})
    assert "1 updated" in done.content.decode()
    imported.refresh_from_db()
    assert imported.phone == "010-88886666"


@pytest.mark.django_db
def test_the_same_file_is_refused_unless_asked_and_says_when(api, client, clerk, imported):
    with pytest.raises(AlreadyImported) as refused:
        customer_import_run(content=FILE, filename="again.xlsx", by=clerk)
    first = CustomerImport.objects.get()
    assert refused.value.extra["import"] == first.pk
    api.force_authenticate(clerk)
    response = api.post(URL, {"file": SimpleUploadedFile("c.xlsx", FILE)}, format="multipart")
    assert response.status_code == 409 and response.json()["code"] == "already_imported"
    dry = api.post(
        URL + "?dry_run=true",
        {"file": SimpleUploadedFile("c.xlsx", FILE)},
        format="multipart",
    ).json()
    assert dry["already_imported_at"] is not None and dry["unchanged"] == 2
    again = api.post(
        URL + "?again=true",
        {"file": SimpleUploadedFile("c.xlsx", FILE)},
        format="multipart",
    )
    assert again.status_code == 200 and again.json()["unchanged"] == 2
    client.force_login(clerk)
    preview = client.post("/parties/customer/import/", {"file": SimpleUploadedFile("c.xlsx", FILE)})
    assert 'data-testid="import-previous"' in preview.content.decode()


@pytest.mark.django_db
def test_the_api_lists_differences_and_counts(api, clerk, imported):
    api.force_authenticate(clerk)
    body = api.post(
        URL, {"file": SimpleUploadedFile("c2.xlsx", _changed())}, format="multipart"
    ).json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 1, 1)
    assert {
        "row": 2,
        "code": imported.code,
        "field": "phone",
        "old": "",
        "new": "010-88886666",
        "applied": True,
    } in body["differences"]
    assert any(d["field"] == "credit_limit" and not d["applied"] for d in body["differences"])
    assert CustomerImport.objects.get(pk=body["import_id"]).sha256 == body["sha256"]


@pytest.mark.django_db
def test_one_import_at_a_time_and_a_daily_limit(api, clerk, imported, settings):
    now = timezone.now()
    CustomerImport.objects.update(status="running", started_at=now, heartbeat_at=now)
    with pytest.raises(ImportBusy):
        customer_import_run(content=_changed(), filename="c2.xlsx", by=clerk)
    CustomerImport.objects.update(status=CustomerImport.Status.SUCCEEDED)
    settings.IMPORT_DAILY_LIMIT = 1
    with pytest.raises(ImportQuotaExceeded):
        customer_import_run(content=_changed(), filename="c2.xlsx", by=clerk)
    api.force_authenticate(clerk)
    upload = SimpleUploadedFile("c2.xlsx", _changed())
    response = api.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 429 and response.json()["code"] == "import_quota_exceeded"


@pytest.mark.django_db
def test_a_big_file_is_imported_by_the_worker_and_its_page_shows_the_result(
    client, clerk, imported, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 100  # every file is "big" here
    client.force_login(clerk)
    upload = SimpleUploadedFile("c2.xlsx", _changed())
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/parties/customer/import/", {"file": upload})
    record = CustomerImport.objects.exclude(filename="c.xlsx").get()
    assert response.status_code == 302 and response.url.endswith(f"/{record.pk}/result/")
    assert record.status == CustomerImport.Status.QUEUED
    waiting = client.get(response.url).content.decode()
    assert 'data-status="queued"' in waiting and 'http-equiv="refresh"' in waiting
    imported.refresh_from_db()
    assert imported.phone == ""  # nothing yet: the request only queued it
    for callback in queued:
        callback()  # the task worker (immediate backend in tests)
    record.refresh_from_db()
    assert record.status == CustomerImport.Status.SUCCEEDED and record.counts["updated"] == 1
    page = client.get(response.url).content.decode()
    assert 'data-testid="import-done"' in page and "010-88886666" in page


@pytest.mark.django_db
def test_a_big_file_through_the_api_is_queued_and_read_back(
    api, clerk, imported, settings, django_capture_on_commit_callbacks, rep_li
):
    settings.IMPORT_SYNC_MAX_BYTES = 100
    api.force_authenticate(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            URL, {"file": SimpleUploadedFile("c2.xlsx", _changed())}, format="multipart"
        )
    assert response.status_code == 202
    body = api.get(f"/api/v1/parties/customer-imports/{response.json()['id']}/").json()
    assert body["status"] == "succeeded" and body["counts"]["updated"] == 1
    assert any(d["field"] == "phone" for d in body["differences"])
    api.force_authenticate(rep_li)  # not hers
    assert api.get(f"/api/v1/parties/customer-imports/{body['id']}/").status_code in (403, 404)


@pytest.mark.django_db
def test_a_customer_import_whose_worker_died_reads_as_failed(api, clerk, imported, settings):
    settings.IMPORT_HEARTBEAT_TIMEOUT = 60
    record = CustomerImport.objects.get()
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    CustomerImport.objects.update(status="running", started_at=long_ago, heartbeat_at=long_ago)
    cache.delete(f"import-heartbeat:parties.customerimport:{record.pk}")  # its last beat, gone
    api.force_authenticate(clerk)
    body = api.get(f"/api/v1/parties/customer-imports/{record.pk}/").json()
    assert body["status"] == "failed"
    # and the user may import again: the dead run no longer holds their one slot
    _record, result = customer_import_run(content=_changed(), filename="c2.xlsx", by=clerk)
    assert result.ok
