from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from backoffice.audit.models import AuditEvent
from backoffice.core.bulk import bulk_insert
from backoffice.core.exceptions import ValidationFailed
from backoffice.parties.exceptions import DuplicateTaxId
from backoffice.parties.models import Customer
from backoffice.parties.services import customer_bulk_create
from backoffice.parties.tests.conftest import VALID_USCC


def _row(code: str, region, owner, **extra) -> dict:
    row = {"code": code, "name": f"{code} 医院", "kind": "hospital", "region_id": region.pk}
    return row | {"owner_id": owner.pk} | extra


@pytest.mark.django_db
def test_bulk_created_customers_are_each_audited_with_pinyin_keys(clerk, rep_wang, region_north):
    made = customer_bulk_create(
        rows=[_row("B1", region_north, rep_wang), _row("B2", region_north, rep_wang)],
        by=clerk,
        note="batch 1",
    )
    assert [c.code for c in made] == ["B1", "B2"]
    assert Customer.objects.get(code="B1").name_pinyin == "b1yiyuan"
    events = AuditEvent.objects.filter(model="parties.customer", note="batch 1")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in made)
    assert {(e.actor_id, e.action) for e in events} == {(clerk.pk, AuditEvent.Action.CREATE)}


@pytest.mark.django_db
def test_a_taken_code_or_tax_id_refuses_the_whole_batch(clerk, rep_wang, region_north):
    customer_bulk_create(rows=[_row("B1", region_north, rep_wang, tax_id=VALID_USCC[0])], by=clerk)
    with pytest.raises(ValidationFailed):
        customer_bulk_create(
            rows=[_row("B2", region_north, rep_wang), _row("B1", region_north, rep_wang)],
            by=clerk,
        )
    with pytest.raises(DuplicateTaxId):
        customer_bulk_create(
            rows=[_row("B3", region_north, rep_wang, tax_id=VALID_USCC[0].lower())], by=clerk
        )
    assert list(Customer.objects.values_list("code", flat=True)) == ["B1"]


@pytest.mark.django_db
def test_bulk_insert_writes_the_rows_bulk_create_writes(rep_wang, region_north):
    """core.bulk.bulk_insert (COPY on PostgreSQL) against Django's bulk_create."""

    def customer(code: str) -> Customer:
        return Customer(
            code=code,
            name="北京医院",
            kind=Customer.Kind.HOSPITAL,
            region=region_north,
            owner=rep_wang,
            status=Customer.Status.ACTIVE,
            credit_limit=Decimal("12.50"),
            notes="a\ttab, a\nline, a \\ backslash",
        )

    (copied,) = bulk_insert(Customer, [customer("C1")])
    Customer.objects.bulk_create([customer("C2")])
    assert copied.pk and not copied._state.adding
    assert copied.created_at and copied.updated_at
    stamps = {"id", "code", "created_at", "updated_at"}
    rows = {
        row["code"]: {k: v for k, v in row.items() if k not in stamps}
        for row in Customer.objects.values()
    }
    assert rows["C1"] == rows["C2"]
    assert Customer.objects.get(pk=copied.pk).created_at == copied.created_at
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Customer, [customer("C1")])
