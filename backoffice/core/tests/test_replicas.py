"""Reads on a replica (issue 19 §1): a report's, a list's and the dashboard's queries go to the
replica alias; a user who has just written reads the primary; reads inside a transaction and
every write go to the primary; a replica that does not answer is left for the primary, with a
warning.

In the suite, "replica1" mirrors the primary's test database (config.settings.test). CI runs
these tests again against a real streaming replica (scripts/replica_tests.sh: DATABASE_REPLICA_URLS
set), and once more with that replica stopped (REPLICA_STOPPED=1)."""

import logging
import os
import time

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from backoffice.core import replicas
from backoffice.core.replicas import ReplicaRouter, replica_reads
from backoffice.parties.models import Customer
from backoffice.parties.services import customer_create

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", "replica1"]),
]
REPLICA = "replica1"
STOPPED = os.environ.get("REPLICA_STOPPED") == "1"


@pytest.fixture(autouse=True)
def router(settings):
    settings.DATABASE_ROUTERS = ["backoffice.core.replicas.ReplicaRouter"]
    settings.REPLICA_PIN_SECONDS = 60
    replicas._down_until.clear()
    yield
    replicas._down_until.clear()


def _on_replica(check, seconds: float = 20) -> None:
    """Waits until the replica has replayed what `check` reads there (a real replica lags)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                replicas._down_until.clear()
                return
        except Exception:
            connections[REPLICA].close()
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError("the replica did not catch up")
        time.sleep(0.2)


def _tables(queries: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in queries.captured_queries)


@pytest.fixture
def customer(rep_wang, region_north):
    made = customer_create(by=rep_wang, name="复制医院", kind="hospital", region=region_north)
    if not STOPPED:
        _on_replica(lambda: Customer.objects.using(REPLICA).filter(pk=made.pk).exists())
    return made


def _get(client, path: str):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(path)
    assert response.status_code == 200, path
    return response, _tables(primary), _tables(replica)


@pytest.mark.skipif(STOPPED, reason="the replica is stopped: the fallback test runs")
def test_reports_lists_and_the_dashboard_read_the_replica(client, clerk, customer):
    client.force_login(clerk)
    for path in ("/parties/customer/", "/", "/reports/sales/", "/api/v1/reports/sales/"):
        _response, primary, replica = _get(client, path)
        assert replica, f"{path}: nothing read on the replica"
        read = [table for table in ("parties_customer", "sales_", "reports_") if table in primary]
        assert not read, f"{path} read {read} on the primary: {primary[:2000]}"
    listed, _primary, replica = _get(client, "/parties/customer/")
    assert "复制医院" in listed.content.decode() and "parties_customer" in replica
    # a record's page is not lag tolerant: the primary
    _page, primary, replica = _get(client, f"/parties/customer/{customer.pk}/change/")
    assert "parties_customer" in primary and not replica


@pytest.mark.skipif(STOPPED, reason="the replica is stopped: the fallback test runs")
def test_a_user_who_just_wrote_reads_the_primary(client, clerk, customer, rep_li):
    client.force_login(clerk)
    changed = client.post(
        f"/parties/customer/{customer.pk}/change/",
        {"name": "复制医院（新址）"},
    )
    assert changed.status_code in (200, 302)
    _listed, primary, replica = _get(client, "/parties/customer/")
    assert "parties_customer" in primary and not replica  # pinned to the primary
    # another user has not written: the replica
    client.force_login(rep_li)
    _listed, primary, replica = _get(client, "/parties/customer/")
    assert "parties_customer" in replica


@pytest.mark.skipif(STOPPED, reason="the replica is stopped: the fallback test runs")
def test_an_api_user_who_just_wrote_reads_the_primary(api, clerk, customer, rep_li):
    """An API user is known only inside the view (the token is read there), after the
    middleware: the request's first read asks whether that user has just written."""
    api.force_authenticate(clerk)
    changed = api.patch(f"/api/v1/parties/customers/{customer.pk}/", {"notes": "复制"})
    assert changed.status_code == 200, changed.content
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        assert api.get("/api/v1/reports/sales/").status_code == 200
    assert "sales_" in _tables(primary) and not _tables(replica)  # pinned to the primary
    api.force_authenticate(rep_li)  # another user has not written: the replica
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        assert api.get("/api/v1/reports/sales/").status_code == 200
    assert "sales_" in _tables(replica)


@pytest.mark.skipif(STOPPED, reason="the replica is stopped: the fallback test runs")
def test_reads_in_a_transaction_and_writes_go_to_the_primary(customer, rep_wang, region_north):
    with (
        replica_reads(),
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        assert Customer.objects.filter(pk=customer.pk).exists()
        assert "parties_customer" in _tables(replica)
        read_on_replica = len(replica.captured_queries)
        with transaction.atomic():
            Customer.objects.filter(pk=customer.pk).exists()
            customer_create(by=rep_wang, name="写入医院", kind="hospital", region=region_north)
        assert len(replica.captured_queries) == read_on_replica
    assert "INSERT INTO" in _tables(primary) and "INSERT INTO" not in _tables(replica)
    assert Customer.objects.filter(name="写入医院").exists()  # read back: the primary


def test_a_replica_that_does_not_answer_is_left_for_the_primary(client, clerk, customer, caplog):
    replica = connections[REPLICA]
    saved = dict(replica.settings_dict)
    if not STOPPED:  # stop it: a port nothing listens on, a file that cannot be opened
        replica.close()
        if replica.vendor == "postgresql":
            replica.settings_dict["PORT"] = 1
        else:
            replica.settings_dict["NAME"] = "/nonexistent/replica.sqlite3"
    client.force_login(clerk)
    try:
        with caplog.at_level(logging.WARNING, logger="backoffice.core.replicas"):
            listed = client.get("/parties/customer/")
            again = client.get("/parties/customer/")  # left alone: no second attempt
    finally:
        replica.close()
        replica.settings_dict.update(saved)
    assert listed.status_code == again.status_code == 200
    assert "复制医院" in listed.content.decode()
    warnings = [r for r in caplog.records if "does not answer" in r.getMessage()]
    assert len(warnings) == 1


def test_only_the_primary_is_migrated_and_written():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "parties") and not router.allow_migrate(REPLICA, "x")
    assert router.db_for_write(Customer) == "default"
    with replica_reads():  # sessions and users are read at once by a login: the primary
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == "default"
