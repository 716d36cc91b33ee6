from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from backoffice.parties.models import QualificationType
from backoffice.parties.services import customer_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

VALID_USCC = ["91350100M000100Y43", "91110108551385082Q", "91110000600037341L"]


def pdf_upload(name: str = "licence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def make_customer(region_north, rep_wang):
    def make(by, **data):
        data.setdefault("name", "北京医院")
        data.setdefault("kind", "hospital")
        data.setdefault("region", region_north)
        if not by.regions.exists():  # a clerk names the rep who looks after the customer
            data.setdefault("owner", rep_wang)
        return customer_create(by=by, **data)

    return make


@pytest.fixture
def licence_type(db) -> QualificationType:
    return QualificationType.objects.get(code="business_licence")


@pytest.fixture
def drug_licence_type(db) -> QualificationType:
    return QualificationType.objects.get(code="drug_trading_licence")


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def stock_products(clerk):
    from decimal import Decimal

    from backoffice.catalog.services import product_save

    return [
        product_save(by=clerk, code="P0001", name="阿莫西林胶囊", list_price=Decimal("18.50")),
        product_save(by=clerk, code="P0002", name="布洛芬缓释胶囊", list_price=Decimal("25.00")),
    ]
