"""Personas and shared fixtures (STYLE §9).

Two reps in different regions, a clerk, a regional manager of the north, finance, and an
outsider with no role at all. Every access test includes one who must not see.
"""

import os
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management.commands import flush

from backoffice.accounts.models import Region
from backoffice.accounts.services import user_create
from backoffice.audit.guard import purge_allowed
from backoffice.catalog.services import product_save
from backoffice.parties.services import (
    customer_create,
    customer_update,
    qualification_create,
    qualification_submit,
)
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

_original_flush = flush.Command.handle


def _flush_with_audit_purge(self, *args, **options):
    # Transactional tests empty the database between tests. On SQLite that is a DELETE,
    # which the audit trail's and the ledger's triggers refuse outside purge_allowed(); on
    # PostgreSQL a TRUNCATE, which their triggers refuse unless the (superuser) session
    # replays as a replica, when ordinary triggers do not fire.
    from django.db import connections

    connection = connections[options.get("database") or "default"]
    replica = connection.vendor == "postgresql"
    if replica:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    try:
        with purge_allowed():
            return _original_flush(self, *args, **options)
    finally:
        if replica:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


flush.Command.handle = _flush_with_audit_purge

PASSWORD = "s3cret-Pass-2026"


def pytest_configure(config: pytest.Config) -> None:
    """`FROZEN_CLOCK=2026-11-29T16:05:00Z` runs the whole suite from that instant (the clock
    still ticks). CI runs it just after local midnight and on the last local day of a month
    and of a year, so that no test or code path depends on the hour (the company's day is
    Asia/Shanghai, eight hours ahead of UTC)."""
    frozen = os.environ.get("FROZEN_CLOCK", "")
    if frozen:
        time_machine.travel(frozen, tick=True).start()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads and archived files of a test stay in its own directory, never in var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _cache_clear():
    """Each test starts from an empty cache: an import's heartbeat, a lockout count or an
    idempotency wait is keyed by ids that the next test's rolled-back database gives again."""
    from django.core.cache import caches

    for each in caches.all(initialized_only=True):
        each.clear()


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in Chinese leaves Chinese active in the test's thread (LocaleMiddleware
    does not undo it): no later test may inherit it."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def region_north(db) -> Region:
    return Region.objects.get_or_create(code="north", defaults={"name": "华北大区"})[0]


@pytest.fixture
def region_east(db) -> Region:
    return Region.objects.get_or_create(code="east", defaults={"name": "华东大区"})[0]


def _person(username: str, role: str, regions: list[str], full_name: str):
    return user_create(
        username=username,
        role=role,
        region_codes=regions,
        password=PASSWORD,
        full_name=full_name,
        validate_password_strength=False,
    )


@pytest.fixture
def rep_wang(region_north):
    return _person("rep_wang", "rep", ["north"], "王磊")


@pytest.fixture
def rep_li(region_east):
    return _person("rep_li", "rep", ["east"], "李娜")


@pytest.fixture
def clerk(db):
    return _person("clerk", "clerk", [], "陈静")


@pytest.fixture
def manager_north(region_north):
    return _person("manager_north", "regional_manager", ["north"], "刘洋")


@pytest.fixture
def finance(db):
    return _person("finance", "finance", [], "孙丽")


@pytest.fixture
def admin_user(db):
    return _person("boss_admin", "admin", [], "管理员")


@pytest.fixture
def outsider(db):
    from backoffice.accounts.models import User

    user = User(username="outsider", full_name="路人", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


# Documents shared by the sales, contracts, ledger and reports tests (decision 0004).


@pytest.fixture
def products(clerk):
    return [
        product_save(by=clerk, code="P0001", name="阿莫西林胶囊", list_price=Decimal("18.50")),
        product_save(by=clerk, code="P0002", name="布洛芬缓释胶囊", list_price=Decimal("33.33")),
    ]


@pytest.fixture
def second_clerk(db):
    from backoffice.accounts.services import user_create

    return user_create(username="clerk2", role="clerk", full_name="周敏")


@pytest.fixture
def hospital(rep_wang, region_north, clerk, second_clerk):
    """An active hospital with a verified business licence: trade is allowed."""
    from backoffice.parties.models import QualificationType

    customer = customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north)
    customer = customer_update(customer=customer, by=rep_wang, status="active")
    paper = qualification_create(
        customer=customer,
        by=rep_wang,
        qualification_type=QualificationType.objects.get(code="business_licence"),
        number="1",
        valid_from=date(2020, 1, 1),
        valid_to=date(2099, 1, 1),
        scan=pdf_upload(),
    )
    qualification_submit(qualification=paper, by=rep_wang)
    for reviewer in (clerk, second_clerk):
        review_decide(request=review_request_for(paper), by=reviewer, verdict="approve")
    return customer


@pytest.fixture
def third_clerk(db):
    from backoffice.accounts.services import user_create

    return user_create(username="clerk3", role="clerk", full_name="吴芳")


@pytest.fixture
def delivered(hospital, clerk, second_clerk, third_clerk, products, carrier):
    """An order of 10 + 4, of which 6 + 4 are delivered (released, to go by express)."""
    from backoffice.sales.services import (
        delivery_create,
        delivery_submit,
        order_create,
        order_submit,
    )

    order = order_create(
        customer=hospital,
        by=clerk,
        lines=[
            {"product": products[0], "quantity": "10"},
            {"product": products[1], "quantity": "4"},
        ],
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    first, second = order.lines.order_by("line_no")
    delivery = delivery_create(
        order=order,
        by=clerk,
        lines=[
            {"order_line": first, "quantity": "6"},
            {"order_line": second, "quantity": "4"},
        ],
        carrier=carrier,
    )
    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in (second_clerk, third_clerk):
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    order.refresh_from_db()
    return order


@pytest.fixture
def issued(delivered, clerk, second_clerk, finance):
    """The delivered order of the sales fixtures, invoiced (244.32) and issued on 1 Oct, on a
    paper special VAT invoice."""
    from backoffice.sales.services import invoice_issue, invoice_request_create, invoice_submit

    invoice = invoice_request_create(order=delivered, by=clerk)
    invoice_submit(invoice=invoice, by=clerk)
    for reviewer in (second_clerk, finance):
        review_decide(request=review_request_for(invoice), by=reviewer, verdict="approve")
    invoice.refresh_from_db()
    return invoice_issue(
        invoice=invoice,
        by=finance,
        invoice_type="special_vat",  # on paper: code and number
        invoice_code="011002600111",
        invoice_number="12345678",
        issued_on=date(2026, 10, 1),
    )


def pytest_report_header(config) -> str:
    from django.conf import settings

    clock = os.environ.get("FROZEN_CLOCK", "")
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine}" + (f"; clock from {clock}" if clock else "")


def pytest_collection_finish(session) -> None:
    # CI names the database it wants; make sure the suite really runs there.
    from django.conf import settings

    wanted = os.environ.get("DATABASE_URL", "sqlite")
    engine = settings.DATABASES["default"]["ENGINE"]
    if wanted.startswith("postgres") and "postgresql" not in engine:
        raise RuntimeError(f"DATABASE_URL asks for PostgreSQL but the suite uses {engine}")


@pytest.fixture
def carrier(db):
    """An approved express company."""
    from backoffice.office.models import Carrier

    return Carrier.objects.create(code="SF", name="顺丰速运", status="approved")
