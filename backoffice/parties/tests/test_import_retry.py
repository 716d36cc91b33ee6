"""A customer import that failed (its file had errors, or its worker was stopped) is
retried from its page and through the API, from the file it kept (issue 15 §16); a queued,
running or finished one is not."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from backoffice.accounts.models import Region
from backoffice.core.imports import import_file_drop, import_file_exists, imports_fail_stale
from backoffice.parties.imports import customer_import_run, import_file
from backoffice.parties.models import Customer, CustomerImport
from backoffice.parties.tests.test_import import GOOD, xlsx

pytestmark = pytest.mark.django_db

FILE = xlsx(GOOD)


class Killed(BaseException):
    """The worker's process, stopped mid-run: nothing after it runs."""


def _killed_mid_run(monkeypatch, clerk) -> CustomerImport:
    """An import whose worker was stopped while it checked the rows, found dead since."""

    def killed(**kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr("backoffice.parties.imports.customers_import", killed)
        with pytest.raises(Killed):
            customer_import_run(content=FILE, filename="c.xlsx", by=clerk)
    record = CustomerImport.objects.get()
    assert record.status == CustomerImport.Status.RUNNING
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    CustomerImport.objects.update(started_at=long_ago, heartbeat_at=long_ago)
    cache.delete(f"import-heartbeat:parties.customerimport:{record.pk}")
    return record


def _page(record) -> str:
    return f"/parties/customerimport/{record.pk}/result/"


def test_an_import_whose_worker_died_is_retried_from_its_page_and_completes(
    client, clerk, rep_wang, monkeypatch, django_capture_on_commit_callbacks
):
    record = _killed_mid_run(monkeypatch, clerk)
    client.force_login(clerk)
    page = client.get(_page(record)).content.decode()
    assert 'data-status="failed"' in page and 'data-testid="step-retry"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/parties/customerimport/{record.pk}/step/retry/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == CustomerImport.Status.SUCCEEDED and record.errors == []
    assert record.counts["created"] == 2 and Customer.objects.count() == 2
    assert not import_file_exists(import_file(record))  # kept only until it succeeded
    done = client.get(_page(record)).content.decode()
    assert 'data-testid="import-done"' in done and 'data-testid="step-retry"' not in done


def test_a_file_that_failed_is_retried_through_the_api_once_its_region_exists(
    api, clerk, rep_wang, django_capture_on_commit_callbacks
):
    Region.objects.filter(code="north").update(code="north-old", name="旧华北")
    record, result = customer_import_run(content=FILE, filename="c.xlsx", by=clerk)
    assert not result.ok and record.status == CustomerImport.Status.FAILED
    Region.objects.filter(code="north-old").update(code="north", name="华北大区")
    api.force_authenticate(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(f"/api/v1/parties/customer-imports/{record.pk}/retry/")
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    body = api.get(f"/api/v1/parties/customer-imports/{record.pk}/").json()
    assert body["status"] == "succeeded" and body["counts"]["created"] == 2
    assert body["errors"] == [] and body["differences"] == []


def test_a_running_or_finished_import_cannot_be_retried(api, client, clerk, rep_wang, monkeypatch):
    api.force_authenticate(clerk)
    client.force_login(clerk)
    record = _killed_mid_run(monkeypatch, clerk)
    cache.set(f"import-heartbeat:parties.customerimport:{record.pk}", timezone.now().isoformat())
    assert imports_fail_stale(CustomerImport) == 0  # still beating: running
    refused = api.post(f"/api/v1/parties/customer-imports/{record.pk}/retry/")
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_transition")
    assert 'data-testid="step-retry"' not in client.get(_page(record)).content.decode()
    CustomerImport.objects.update(status=CustomerImport.Status.SUCCEEDED)
    refused = api.post(f"/api/v1/parties/customer-imports/{record.pk}/retry/")
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_transition")
    step = client.post(f"/parties/customerimport/{record.pk}/step/retry/", follow=True)
    assert "This step is not possible now." in step.content.decode()
    record.refresh_from_db()
    assert record.status == CustomerImport.Status.SUCCEEDED


def test_only_who_may_import_customers_and_sees_the_import_retries_it(
    api, client, clerk, rep_li, outsider, rep_wang, monkeypatch
):
    record = _killed_mid_run(monkeypatch, clerk)
    imports_fail_stale(CustomerImport)
    url = f"/api/v1/parties/customer-imports/{record.pk}/retry/"
    for someone in (rep_li, outsider):  # not theirs: the same 404 as a missing one
        api.force_authenticate(someone)
        assert api.post(url).status_code == 404
    client.force_login(rep_li)
    assert client.post(f"/parties/customerimport/{record.pk}/step/retry/").status_code == 404
    record.refresh_from_db()
    assert record.status == CustomerImport.Status.FAILED


def test_an_import_whose_file_is_gone_asks_for_it_again(api, clerk, rep_wang, monkeypatch):
    record = _killed_mid_run(monkeypatch, clerk)
    imports_fail_stale(CustomerImport)
    import_file_drop(import_file(record))
    api.force_authenticate(clerk)
    refused = api.post(f"/api/v1/parties/customer-imports/{record.pk}/retry/")
    assert refused.status_code == 400 and "upload them again" in refused.json()["message"]
