"""Demo contracts in every state across the last 12 months, with orders carrying them out,
and purchase contracts with supplier invoices and payments."""

import random
from datetime import timedelta

from django.utils import timezone

from backoffice.accounts.models import Region, User
from backoffice.catalog.models import Product
from backoffice.contracts.models import Contract, ContractTemplate
from backoffice.contracts.services import (
    contract_create,
    contract_sign,
    contract_submit,
    contract_terminate,
    contracts_by_date_run,
    template_save,
)
from backoffice.core.exceptions import ApplicationError
from backoffice.core.money import round_amount
from backoffice.demo.clock import Story, demo_clock, story_play
from backoffice.demo.orders import _deliver
from backoffice.ledger.services import supplier_invoice_create, supplier_payment_create
from backoffice.parties.models import Customer
from backoffice.parties.selectors import customer_trade_block
from backoffice.parties.services import customer_create
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.performance import contracts_fulfilled_run
from backoffice.sales.services import order_create, order_submit

SALES_TEMPLATE = """产品购销合同

合同编号：{number}
买方：{counterparty}（统一社会信用代码：{counterparty_tax_id}）
地址：{counterparty_address}
有效期：{starts_on} 至 {ends_on}

一、产品、数量及金额
{lines}
合同总金额：人民币 {amount} 元（大写：{amount_words}）

二、付款方式：{payment_terms}
三、交货方式：{delivery_terms}
四、本合同一式两份，双方各执一份，自双方签字盖章之日起生效。

卖方经办人：{owner}
"""
PURCHASE_TEMPLATE = """采购合同

合同编号：{number}
供方：{counterparty}
有效期：{starts_on} 至 {ends_on}
采购内容：
{lines}
合同总金额：人民币 {amount} 元（大写：{amount_words}）
付款方式：{payment_terms}
"""
SUPPLIERS = ["华北制药集团", "石药集团原料药公司", "浙江医药包装材料厂"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _scan():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")


def demo_contracts(*, count: int = 36) -> int:
    if Contract.objects.exists():
        return 0
    rng = random.Random(2718)
    today = timezone.localdate()
    clerks = list(User.objects.filter(groups__name="clerk", is_active=True))
    manager = User.objects.filter(groups__name="sales_manager").first()
    general_manager = User.objects.filter(groups__name="general_manager").first()
    finance = User.objects.filter(groups__name="finance").first()
    products = list(Product.objects.filter(is_active=True)[:40])
    customers = [
        c
        for c in Customer.objects.filter(
            status=Customer.Status.ACTIVE, kind__in=["hospital", "distributor", "pharmacy"]
        ).select_related("owner")
        if not customer_trade_block(c)
    ]
    if len(clerks) < 2 or manager is None or not products or not customers:
        return 0
    sales_template = template_save(
        template=ContractTemplate(
            name="标准产品购销合同",
            kind="sales",
            body=SALES_TEMPLATE,
            payment_terms="货到验收合格后30日内付款",
            delivery_terms="卖方送货上门，运费由卖方承担",
        ),
        by=clerks[0],
    )
    template_save(
        template=ContractTemplate(
            name="经销协议",
            kind="distribution",
            body=SALES_TEMPLATE,
            payment_terms="款到发货",
            delivery_terms="物流发货",
        ),
        by=clerks[0],
    )
    purchase_template = template_save(
        template=ContractTemplate(
            name="采购合同", kind="purchase", body=PURCHASE_TEMPLATE, payment_terms="票到60日付款"
        ),
        by=clerks[0],
    )
    created = 0
    for index in range(count):
        customer = rng.choice(customers)
        author = rng.choice(clerks)
        starts_on = today - timedelta(days=rng.randint(0, 360))
        ends_on = starts_on + timedelta(days=rng.choice([90, 180, 364]))
        chosen = rng.sample(products, rng.randint(1, 4))
        drafted_on = min(starts_on, today) - timedelta(days=7)  # drawn up before it starts
        with demo_clock(drafted_on):
            contract = contract_create(
                kind="sales" if index % 5 else "distribution",
                counterparty=customer,
                by=author,
                title=f"{starts_on.year}年{customer.name}供货合同",
                starts_on=starts_on,
                ends_on=ends_on,
                template=sales_template if index % 5 else None,
                lines=[
                    {"product": product, "quantity": str(rng.choice([50, 100, 200, 500]))}
                    for product in chosen
                ],
            )
            amount = contract.amount
            contract.milestones.create(
                kind="delivery",
                due_on=starts_on + timedelta(days=30),
                amount=round_amount(amount / 2),
            )
            contract.milestones.create(kind="payment", due_on=ends_on, amount=amount)
            created += 1
            fate = rng.random()
            if fate < 0.1:
                continue  # a draft
            contract_submit(contract=contract, by=author)
            if fate < 0.18:
                continue  # in review
            review_decide(request=review_request_for(contract), by=manager, verdict="approve")
            contract.refresh_from_db()
            if fate < 0.24:
                continue  # approved, waiting for the signed copy
        with demo_clock(min(starts_on, today)):
            contract = contract_sign(
                contract=contract, by=manager, signed_on=min(starts_on, today), scan=_scan()
            )
        if contract.status != Contract.Status.ACTIVE:
            continue
        whole = 0.8 < fate < 0.95  # ordered in one go: these tend to be fulfilled
        for _ in range(1 if whole else rng.randint(1, 3)):
            span = max((min(ends_on, today) - starts_on).days, 0)
            ordered_on = starts_on + timedelta(days=rng.randint(0, span))
            divisor = 1 if whole else rng.choice([2, 3, 4])
            lines = [
                {"product": line.product, "quantity": str(max(int(line.quantity) // divisor, 1))}
                for line in contract.lines.all()
            ]
            try:
                with demo_clock(ordered_on):
                    order = order_create(
                        customer=customer,
                        by=author,
                        lines=lines,
                        ordered_on=ordered_on,
                        contract=contract,
                    )
                    order_submit(order=order, by=author)
                    auditor = next(c for c in clerks if c != author)
                    review_decide(request=review_request_for(order), by=auditor, verdict="approve")
            except ApplicationError:
                continue  # over the contract or the credit limit: stays where it stopped
            order.refresh_from_db()
            story_play(_deliver_from(ordered_on, rng, order, author, clerks))
        if fate > 0.95:
            asked = contract_terminate(
                contract=contract, by=manager, reason="客户经营调整，双方协商终止"
            )
            review_decide(request=review_request_for(asked), by=general_manager, verdict="approve")
    _purchase(rng, purchase_template, clerks, manager, finance, today)
    contracts_fulfilled_run()
    contracts_by_date_run()
    return created


def _deliver_from(day, rng, order, author, clerks) -> Story:
    yield day
    yield from _deliver(rng, order, author, clerks)


def _purchase(rng, template, clerks, manager, finance, today) -> None:
    region = Region.objects.order_by("code").first()
    for name in SUPPLIERS:
        author = rng.choice(clerks)
        supplier = customer_create(
            by=author,
            name=name,
            kind="supplier",
            region=region,
            owner=author,
            payment_terms_days=60,
        )
        starts_on = today - timedelta(days=rng.randint(60, 200))
        contract = contract_create(
            kind="purchase",
            counterparty=supplier,
            by=author,
            title=f"{name}采购合同",
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=364),
            template=template,
            lines=[
                {
                    "description": "原辅料及包装材料",
                    "amount": str(rng.choice([113000, 226000, 565000])),
                }
            ],
        )
        contract_submit(contract=contract, by=author)
        review_decide(request=review_request_for(contract), by=manager, verdict="approve")
        contract.refresh_from_db()
        contract = contract_sign(contract=contract, by=manager, signed_on=starts_on, scan=_scan())
        half = round_amount(contract.amount / 2)
        invoice = supplier_invoice_create(
            contract=contract,
            by=finance,
            vat_invoice_number=str(rng.randint(10**7, 10**8 - 1)),
            issued_on=starts_on + timedelta(days=20),
            gross_amount=half,
            tax_amount=round_amount(half * 13 / 113),
        )
        supplier_payment_create(
            supplier=supplier,
            by=finance,
            amount=half,
            paid_on=starts_on + timedelta(days=50),
            bank_reference=f"ICBC{rng.randint(10**9, 10**10 - 1)}",
            allocations=[{"invoice": invoice, "amount": half}],
        )
