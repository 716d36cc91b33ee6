"""Contracts end to end: template, review with amount levels, signing with the scan, orders
carrying the contract out, the performance list, fulfilment and expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from backoffice.accounts.services import user_create
from backoffice.contracts.exceptions import (
    ContractExceeded,
    ContractNotInForce,
    ProductNotInContract,
    ScanRequired,
    UnknownPlaceholder,
)
from backoffice.contracts.models import Contract, ContractTemplate
from backoffice.contracts.services import (
    contract_create,
    contract_sign,
    contract_submit,
    contract_terminate,
    contracts_by_date_run,
    template_save,
)
from backoffice.core.exceptions import InvalidTransition, NotAllowed, ValidationFailed
from backoffice.ledger.selectors import receivable_for_source
from backoffice.ledger.services import receipt_create
from backoffice.parties.services import customer_create
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.exceptions import SelfReviewForbidden
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.performance import contract_performance, contracts_fulfilled_run
from backoffice.sales.services import (
    delivery_create,
    delivery_submit,
    invoice_issue,
    invoice_request_create,
    invoice_submit,
    order_create,
    order_submit,
)

TODAY = timezone.localdate()


@pytest.fixture
def template(clerk):
    return template_save(
        template=ContractTemplate(
            name="标准销售合同",
            kind="sales",
            body="合同编号：{number}\n买方：{counterparty}\n金额：{amount}（{amount_words}）\n{lines}",
            payment_terms="货到30天付款",
        ),
        by=clerk,
    )


def _sales_contract(hospital, clerk, products, template=None, **kwargs):
    return contract_create(
        kind="sales",
        counterparty=hospital,
        by=clerk,
        title="2026年度供货合同",
        starts_on=kwargs.pop("starts_on", TODAY - timedelta(days=30)),
        ends_on=kwargs.pop("ends_on", TODAY + timedelta(days=335)),
        template=template,
        lines=kwargs.pop(
            "lines",
            [
                {"product": products[0], "quantity": "10", "unit_price": "18.00"},
                {"product": products[1], "quantity": "4", "unit_price": "30.00"},
            ],
        ),
        **kwargs,
    )


def _activate(contract, clerk, reviewer):
    contract_submit(contract=contract, by=clerk)
    review_decide(request=review_request_for(contract), by=reviewer, verdict="approve")
    contract.refresh_from_db()
    # a sales manager signs (issue 15 §20): the reviewer of these tests
    return contract_sign(contract=contract, by=reviewer, signed_on=TODAY, scan=pdf_upload())


@pytest.fixture
def sales_manager(db):
    return user_create(username="smgr", role="sales_manager", full_name="赵经理")


@pytest.fixture
def active_contract(hospital, clerk, products, template, sales_manager):
    contract = _sales_contract(
        hospital,
        clerk,
        products,
        template,
        milestones=[
            {"kind": "delivery", "due_on": TODAY - timedelta(days=1), "amount": "100.00"},
            {"kind": "payment", "due_on": TODAY + timedelta(days=60), "amount": "300.00"},
        ],
    )
    return _activate(contract, clerk, sales_manager)


def _approved_order(contract, clerk, second_clerk, lines):
    order = order_create(customer=contract.counterparty, by=clerk, lines=lines, contract=contract)
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    order.refresh_from_db()
    return order


@pytest.mark.django_db
def test_a_contract_is_drafted_from_its_template(hospital, clerk, products, template):
    contract = _sales_contract(hospital, clerk, products, template)
    assert contract.number == f"CT-{contract.starts_on.year}-000001"
    assert contract.amount == Decimal("300.00")  # 10 × 18 + 4 × 30
    assert contract.payment_terms == "货到30天付款"
    assert f"合同编号：{contract.number}" in contract.body
    assert "买方：北京医院" in contract.body
    assert "叁佰元整" in contract.body
    assert "阿莫西林胶囊" in contract.body


@pytest.mark.django_db
def test_an_unknown_placeholder_is_refused_by_name(clerk):
    with pytest.raises(UnknownPlaceholder) as error:
        template_save(
            template=ContractTemplate(name="x", kind="sales", body="甲方 {buyer}"), by=clerk
        )
    assert "{buyer}" in str(error.value.message)


@pytest.mark.django_db
def test_lines_and_amounts_are_validated(hospital, clerk, products):
    with pytest.raises(ValidationFailed) as error:
        _sales_contract(hospital, clerk, products, lines=[{"description": "", "amount": "5"}])
    assert error.value.extra["fields"]["lines"]["1"]["description"]
    with pytest.raises(ValidationFailed):
        _sales_contract(hospital, clerk, products, amount="999.00")  # lines sum to 300
    with pytest.raises(ValidationFailed) as error:
        _sales_contract(
            hospital, clerk, products, starts_on=TODAY, ends_on=TODAY - timedelta(days=1)
        )
    assert "ends_on" in error.value.extra["fields"]
    assert not Contract.objects.exists()  # nothing half-saved


@pytest.mark.django_db
def test_review_levels_by_amount(hospital, clerk, products, sales_manager):
    small = _sales_contract(hospital, clerk, products)
    contract_submit(contract=small, by=clerk)
    review_decide(request=review_request_for(small), by=sales_manager, verdict="approve")
    small.refresh_from_db()
    assert small.status == "approved"  # one reviewer below 1,000,000

    big = _sales_contract(
        hospital,
        clerk,
        products,
        lines=[{"product": products[0], "quantity": "100000", "unit_price": "18.00"}],
    )
    contract_submit(contract=big, by=clerk)
    with pytest.raises(SelfReviewForbidden):  # the author never reviews
        review_decide(request=review_request_for(big), by=clerk, verdict="approve")
    review_decide(request=review_request_for(big), by=sales_manager, verdict="approve")
    big.refresh_from_db()
    assert big.status == "in_review"  # 1,800,000: the general manager too
    general = user_create(username="gm", role="general_manager", full_name="钱总")
    review_decide(request=review_request_for(big), by=general, verdict="approve")
    big.refresh_from_db()
    assert big.status == "approved"


@pytest.mark.django_db
def test_signing_needs_the_scan_and_sets_the_state_by_start(
    hospital, clerk, products, sales_manager
):
    contract = _sales_contract(hospital, clerk, products, starts_on=TODAY + timedelta(days=5))
    contract_submit(contract=contract, by=clerk)
    review_decide(request=review_request_for(contract), by=sales_manager, verdict="approve")
    contract.refresh_from_db()
    with pytest.raises(ScanRequired):
        contract_sign(contract=contract, by=sales_manager, signed_on=TODAY, scan=None)
    with pytest.raises(NotAllowed):  # a clerk records no signature (issue 15 §20)
        contract_sign(contract=contract, by=clerk, signed_on=TODAY, scan=pdf_upload())
    contract = contract_sign(
        contract=contract, by=sales_manager, signed_on=TODAY, scan=pdf_upload()
    )
    assert contract.status == "signed"  # not in force until it starts
    assert contracts_by_date_run(today=TODAY + timedelta(days=5)) == {
        "activated": 1,
        "expired": 0,
    }
    contract.refresh_from_db()
    assert contract.status == "active"
    assert contracts_by_date_run(today=contract.ends_on + timedelta(days=1))["expired"] == 1
    contract.refresh_from_db()
    assert contract.status == "expired"
    assert contract.ended_on == contract.ends_on


@pytest.mark.django_db
def test_an_order_carries_out_the_contract_at_its_prices(
    active_contract, clerk, products, second_clerk
):
    order = order_create(
        customer=active_contract.counterparty,
        by=clerk,
        lines=[{"product": products[0], "quantity": "2"}],
        contract=active_contract,
    )
    line = order.lines.get()
    assert line.unit_price == Decimal("18.000000")  # the contract's, not the list price
    assert line.contract_line.line_no == 1


@pytest.mark.django_db
def test_orders_outside_the_contract_are_refused(
    active_contract, hospital, clerk, products, second_clerk, rep_wang, region_north
):
    from backoffice.catalog.services import product_save

    other = product_save(by=clerk, code="P0009", name="维生素C片", list_price=Decimal("5.00"))
    with pytest.raises(ProductNotInContract):
        order_create(
            customer=hospital, by=clerk, lines=[{"product": other, "quantity": "1"}],
            contract=active_contract,
        )  # fmt: skip
    stranger = customer_create(by=rep_wang, name="天津医院", kind="hospital", region=region_north)
    with pytest.raises(ContractNotInForce):
        order_create(
            customer=stranger, by=clerk, lines=[{"product": products[0], "quantity": "1"}],
            contract=active_contract,
        )  # fmt: skip
    with pytest.raises(ContractNotInForce):
        order_create(
            customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "1"}],
            contract=active_contract, ordered_on=active_contract.ends_on + timedelta(days=1),
        )  # fmt: skip


@pytest.mark.django_db
def test_approved_orders_never_exceed_the_contracted_quantity(
    active_contract, clerk, products, second_clerk
):
    _approved_order(
        active_contract, clerk, second_clerk, [{"product": products[0], "quantity": "8"}]
    )
    order = order_create(
        customer=active_contract.counterparty,
        by=clerk,
        lines=[{"product": products[0], "quantity": "3"}],
        contract=active_contract,
    )
    order_submit(order=order, by=clerk)
    with pytest.raises(ContractExceeded) as error:
        review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    assert error.value.extra["limit"] == "10.000"
    order.refresh_from_db()
    assert order.status == "in_review"  # the refused approval left nothing behind


@pytest.mark.django_db
def test_performance_per_line(active_contract, clerk, products, second_clerk, third_clerk, finance):
    order = _approved_order(
        active_contract,
        clerk,
        second_clerk,
        [{"product": products[0], "quantity": "5"}, {"product": products[1], "quantity": "4"}],
    )
    first, second = order.lines.order_by("line_no")
    delivery = delivery_create(
        order=order,
        by=clerk,
        lines=[{"order_line": first, "quantity": "5"}, {"order_line": second, "quantity": "2"}],
    )
    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in (second_clerk, third_clerk):
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    invoice = invoice_request_create(order=order, by=clerk)
    invoice_submit(invoice=invoice, by=clerk)
    for reviewer in (second_clerk, finance):
        review_decide(request=review_request_for(invoice), by=reviewer, verdict="approve")
    invoice.refresh_from_db()
    invoice = invoice_issue(
        invoice=invoice,
        by=finance,
        invoice_type="special_vat",
        invoice_code="011002600111",
        invoice_number="87654321",
        issued_on=TODAY,
    )
    assert invoice.gross_amount == Decimal("150.00")  # 5 × 18 + 2 × 30
    receivable = receivable_for_source(source_model="sales.invoice", source_id=invoice.pk)
    receipt_create(
        customer=active_contract.counterparty, by=finance, amount="75.00", received_on=TODAY,
        allocations=[{"receivable": receivable, "amount": "75.00"}],
    )  # fmt: skip

    performance = contract_performance(active_contract)
    line1, line2 = performance.lines
    assert (line1.quantity["ordered"], line1.quantity["delivered"]) == (5, 5)
    assert line1.amount["invoiced"] == Decimal("90.00")
    assert line1.amount["paid"] == Decimal("45.00")  # half the invoice was received
    assert line1.percent["delivered"] == Decimal("50.0")
    assert line1.quantity_percent["delivered"] == Decimal("50.0")
    assert (line2.quantity["ordered"], line2.quantity["delivered"]) == (4, 2)
    assert line2.amount["delivered"] == Decimal("60.00")
    total = performance.total
    assert total.amount["ordered"] == Decimal("210.00")
    assert total.amount["delivered"] == total.amount["invoiced"] == Decimal("150.00")
    assert total.amount["paid"] == Decimal("75.00")
    delivery_milestone, payment_milestone = performance.milestones
    assert not delivery_milestone.overdue  # 150 delivered ≥ 100 due yesterday
    assert not payment_milestone.overdue  # not due yet
    assert not performance.fulfilled
    assert contracts_fulfilled_run() == {"completed": 0}


@pytest.mark.django_db
def test_overdue_milestones_show(active_contract):
    performance = contract_performance(active_contract)
    assert [m.kind for m in performance.overdue] == ["delivery"]  # 0 delivered, 100 due
    assert performance.overdue[0].shortfall == Decimal("100.00")


@pytest.mark.django_db
def test_a_fulfilled_contract_completes_in_the_daily_jobs(
    hospital, clerk, products, sales_manager, second_clerk, third_clerk, finance
):
    contract = _activate(
        _sales_contract(
            hospital,
            clerk,
            products,
            lines=[{"product": products[0], "quantity": "2", "unit_price": "18.00"}],
        ),
        clerk,
        sales_manager,
    )
    order = _approved_order(
        contract, clerk, second_clerk, [{"product": products[0], "quantity": "2"}]
    )
    delivery = delivery_create(
        order=order, by=clerk, lines=[{"order_line": order.lines.get(), "quantity": "2"}]
    )
    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in (second_clerk, third_clerk):
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    invoice = invoice_request_create(order=order, by=clerk)
    invoice_submit(invoice=invoice, by=clerk)
    for reviewer in (second_clerk, finance):
        review_decide(request=review_request_for(invoice), by=reviewer, verdict="approve")
    invoice.refresh_from_db()
    invoice = invoice_issue(
        invoice=invoice,
        by=finance,
        invoice_type="special_vat",
        invoice_code="011002600111",
        invoice_number="11112222",
        issued_on=TODAY,
    )
    receivable = receivable_for_source(source_model="sales.invoice", source_id=invoice.pk)
    receipt_create(
        customer=hospital, by=finance, amount="36.00", received_on=TODAY,
        allocations=[{"receivable": receivable, "amount": "36.00"}],
    )  # fmt: skip
    call_command("daily_jobs")
    contract.refresh_from_db()
    assert contract.status == "completed"


@pytest.mark.django_db
def test_terminating_needs_a_reason_and_a_review(active_contract, clerk, sales_manager):
    with pytest.raises(NotAllowed):  # a clerk ends no contract (issue 15 §20)
        contract_terminate(contract=active_contract, by=clerk, reason="客户撤销采购计划")
    with pytest.raises(ValidationFailed):
        contract_terminate(contract=active_contract, by=sales_manager, reason=" ")
    asked = contract_terminate(
        contract=active_contract, by=sales_manager, reason="客户撤销采购计划"
    )
    active_contract.refresh_from_db()
    assert active_contract.status == "active"  # not before the review
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(asked), by=sales_manager, verdict="approve")
    gm = user_create(username="gm_t", role="general_manager", full_name="钱总")
    review_decide(request=review_request_for(asked), by=gm, verdict="approve")
    active_contract.refresh_from_db()
    assert active_contract.status == "terminated"
    assert active_contract.ended_reason == "客户撤销采购计划"
    with pytest.raises(InvalidTransition):  # the dry run refuses at once
        contract_terminate(contract=active_contract, by=sales_manager, reason="again")


@pytest.mark.django_db
def test_the_contracts_api(api, hospital, clerk, products, sales_manager, rep_li):
    api.force_authenticate(clerk)
    response = api.post(
        "/api/v1/contracts/contracts/",
        {
            "kind": "sales",
            "title": "API 合同",
            "counterparty": hospital.pk,
            "starts_on": str(TODAY - timedelta(days=1)),
            "ends_on": str(TODAY + timedelta(days=90)),
            "lines": [{"product": products[0].pk, "quantity": "10", "unit_price": "12.50"}],
            "milestones": [{"kind": "payment", "due_on": str(TODAY), "amount": "125.00"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == "125.00"
    pk = body["id"]
    assert api.post(f"/api/v1/contracts/contracts/{pk}/submit/").json()["status"] == "in_review"
    api.force_authenticate(sales_manager)
    assert (
        api.post(f"/api/v1/contracts/contracts/{pk}/review/", {"verdict": "approve"}).json()[
            "status"
        ]
        == "approved"
    )
    response = api.post(f"/api/v1/contracts/contracts/{pk}/sign/", {"signed_on": str(TODAY)})
    assert response.status_code == 400
    assert response.json()["code"] == "scan_required"
    response = api.post(
        f"/api/v1/contracts/contracts/{pk}/sign/",
        {"signed_on": str(TODAY), "scan": pdf_upload()},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    performance = api.get(f"/api/v1/contracts/contracts/{pk}/performance/").json()
    assert performance["lines"][0]["contracted_amount"] == "125.00"
    assert performance["milestones"][0]["overdue"] is False  # due today, not yet past
    response = api.post(
        "/api/v1/sales/orders/",
        {"customer": hospital.pk, "contract": pk,
         "lines": [{"product": products[1].pk, "quantity": "1"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["code"] == "product_not_in_contract"
    response = api.post(
        "/api/v1/sales/orders/",
        {"customer": hospital.pk, "contract": pk,
         "lines": [{"product": products[0].pk, "quantity": "1"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["contract"] == pk
    assert response.json()["lines"][0]["unit_price"] == "12.500000"
    api.force_authenticate(rep_li)  # another region's rep: not visible
    assert api.get(f"/api/v1/contracts/contracts/{pk}/").status_code == 404
    assert api.get(f"/api/v1/contracts/contracts/{pk}/performance/").status_code == 404
    stats = api.get("/api/v1/reports/contracts/?period=year").json()
    assert stats["totals"]["signed"] == 0


@pytest.mark.django_db
def test_contract_pages(client, active_contract, clerk):
    client.force_login(clerk)
    page = client.get(f"/contracts/contract/{active_contract.pk}/change/")
    assert page.status_code == 200
    assert "contract-actions" in page.content.decode()
    page = client.get(f"/reports/contracts/{active_contract.pk}/performance/")
    assert page.status_code == 200
    assert "阿莫西林胶囊" in page.content.decode()
    assert (
        client.get(f"/reports/contracts/{active_contract.pk}/performance/?format=xlsx").status_code
        == 200
    )
    page = client.get("/reports/contracts/?period=quarter")
    assert page.status_code == 200
    assert f"{TODAY.year}-Q" in page.content.decode()
    assert client.get("/contracts/contract/").status_code == 200


@pytest.mark.django_db
def test_the_contract_prints_with_its_text(client, active_contract, clerk):
    client.force_login(clerk)
    page = client.get(f"/contracts/contract/{active_contract.pk}/print/")
    assert page.status_code == 200
    html = page.content.decode()
    assert active_contract.number in html and "叁佰元整" in html and "买方：北京医院" in html
    pdf = client.get(f"/contracts/contract/{active_contract.pk}/print/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
