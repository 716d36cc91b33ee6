"""The query parameters of the lists of contracts and of the payables on purchase contracts:
a good value filters, a bad one is a 400 naming the parameter, a contract the caller may not
see a 404. The rows are written directly: these tests read lists, not the workflow."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from backoffice.contracts.models import Contract, ContractTemplate
from backoffice.ledger.models import SupplierInvoice, SupplierPayment
from backoffice.parties.services import customer_create

ON = date(2026, 11, 2)


def _rows(response, key: str = "number") -> list:
    assert response.status_code == 200, response.json()
    return [row[key] for row in response.json()["results"]]


def _refused(response, field: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["extra"]["fields"]) == [field]


@pytest.fixture
def supplier(rep_wang, region_north):
    return customer_create(by=rep_wang, name="华北制药", kind="supplier", region=region_north)


def _contract(number: str, kind: str, status: str, counterparty, **extra) -> Contract:
    return Contract.objects.create(
        number=number,
        kind=kind,
        status=status,
        title=extra.pop("title", "年度合同"),
        counterparty=counterparty,
        owner=counterparty.owner,
        region=counterparty.region,
        starts_on=ON,
        ends_on=date(2027, 11, 1),
        amount=Decimal("1000.00"),
        created_by=counterparty.owner,
        **extra,
    )


@pytest.mark.django_db
def test_contracts_filter_by_kind_status_counterparty_and_text(api, clerk, supplier):
    _contract("HT-1", "purchase", "active", supplier, title="原料采购")
    _contract("HT-2", "sales", "draft", supplier, title="供货")
    api.force_authenticate(clerk)
    url = "/api/v1/contracts/contracts/"
    assert _rows(api.get(url, {"kind": "purchase"})) == ["HT-1"]
    assert _rows(api.get(url, {"status": "draft"})) == ["HT-2"]
    assert _rows(api.get(url, {"q": "原料"})) == ["HT-1"]
    assert _rows(api.get(url, {"counterparty": supplier.code})) == ["HT-2", "HT-1"]
    assert _rows(api.get(url, {"counterparty": "NO-SUCH-CODE"})) == []
    _refused(api.get(url, {"kind": "lease"}), "kind")
    _refused(api.get(url, {"status": "signed_off"}), "status")


@pytest.mark.django_db
def test_templates_filter_by_kind_and_a_strict_is_active(api, admin_user):
    ContractTemplate.objects.create(name="采购模板", kind="purchase", body="…", is_active=False)
    ContractTemplate.objects.create(name="销售模板", kind="sales", body="…")
    api.force_authenticate(admin_user)
    url = "/api/v1/contracts/templates/"
    assert _rows(api.get(url, {"kind": "sales"}), "name") == ["销售模板"]
    assert _rows(api.get(url, {"is_active": "false"}), "name") == ["采购模板"]
    _refused(api.get(url, {"is_active": "0"}), "is_active")
    _refused(api.get(url, {"kind": "lease"}), "kind")


@pytest.fixture
def payables(supplier, admin_user):
    first = _contract("HT-1", "purchase", "active", supplier)
    second = _contract("HT-2", "purchase", "active", supplier)
    for number, contract in (("SI-1", first), ("SI-2", second)):
        SupplierInvoice.objects.create(
            number=number,
            contract=contract,
            supplier=supplier,
            vat_invoice_number=number,
            issued_on=ON,
            due_on=ON,
            gross_amount=Decimal("113.00"),
            net_amount=Decimal("100.00"),
            tax_amount=Decimal("13.00"),
            paid_amount=Decimal("0"),
            created_by=admin_user,
        )
    for number, paid_on in (("SP-1", ON), ("SP-2", date(2026, 12, 1))):
        SupplierPayment.objects.create(
            number=number, supplier=supplier, paid_on=paid_on, amount=1, created_by=admin_user
        )
    return first


@pytest.mark.django_db
def test_supplier_invoices_filter_by_contract(api, admin_user, payables):
    api.force_authenticate(admin_user)
    url = "/api/v1/ledger/supplier-invoices/"
    assert _rows(api.get(url, {"contract": payables.pk})) == ["SI-1"]
    _refused(api.get(url, {"contract": "HT-1"}), "contract")


@pytest.mark.django_db
def test_supplier_invoices_of_a_contract_the_caller_may_not_see_are_not_found(
    api, rep_li, payables
):
    rep_li.user_permissions.add(Permission.objects.get(codename="view_supplierinvoice"))
    api.force_authenticate(rep_li)
    response = api.get("/api/v1/ledger/supplier-invoices/", {"contract": payables.pk})
    assert response.status_code == 404


@pytest.mark.django_db
def test_supplier_payments_filter_by_supplier_and_dates(api, admin_user, supplier, payables):
    api.force_authenticate(admin_user)
    url = "/api/v1/ledger/supplier-payments/"
    assert _rows(api.get(url, {"date_from": "2026-11-15"})) == ["SP-2"]
    assert _rows(api.get(url, {"date_to": "2026-11-15"})) == ["SP-1"]
    assert _rows(api.get(url, {"supplier": supplier.pk})) == ["SP-2", "SP-1"]
    assert _rows(api.get(url, {"supplier": supplier.pk + 1000})) == []
    _refused(api.get(url, {"supplier": "华北制药"}), "supplier")
    _refused(api.get(url, {"date_from": "2026-11"}), "date_from")
