from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.accounts.services import user_create
from backoffice.materials.models import Location, MaterialItem
from backoffice.materials.services import item_save, location_create, receipt_create


@pytest.fixture
def keeper(db):
    """The warehouse keeper: receives stock and reviews issues."""
    return user_create(username="keeper", role="warehouse", full_name="赵库管")


@pytest.fixture
def warehouse(clerk) -> Location:
    return location_create(by=clerk, code="WH", name="总仓", kind=Location.Kind.WAREHOUSE)


@pytest.fixture
def office(clerk) -> Location:
    return location_create(by=clerk, code="OF", name="办公室", kind=Location.Kind.OFFICE)


@pytest.fixture
def brochure(clerk) -> MaterialItem:
    return item_save(
        by=clerk,
        code="M-BR01",
        name="产品彩页",
        kind="brochure",
        unit="份",
        reorder_level=Decimal("50"),
    )


@pytest.fixture
def sample(clerk) -> MaterialItem:
    return item_save(
        by=clerk,
        code="M-SP01",
        name="阿莫西林样品",
        kind="sample",
        unit="盒",
        is_batch_tracked=True,
    )


def soon(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def receive(by, location, item, quantity, unit_cost, batch="", expires_on=None):
    return receipt_create(
        by=by,
        location=location,
        supplier="印刷厂",
        lines=[
            {
                "item": item,
                "quantity": Decimal(quantity),
                "unit_cost": Decimal(unit_cost),
                "batch": batch,
                "expires_on": expires_on,
            }
        ],
    )


def refreshed(item: MaterialItem) -> MaterialItem:
    return MaterialItem.objects.get(pk=item.pk)
