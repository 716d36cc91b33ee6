"""Demo sales orders over the last 12 months in every state the order side has so far.

Each order is a story (demo.clock): entered on its day, audited, delivered, shipped, signed,
invoiced and paid on the days that follow, each step run on its own day, so that the
documents, their audit trails and the daily facts follow a real calendar. A step whose day
has not come yet does not happen: recent orders are still on their way.
"""

import random
from datetime import timedelta

from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.catalog.models import Product
from backoffice.core.exceptions import ApplicationError
from backoffice.core.money import round_amount
from backoffice.demo.clock import Story, stories_play
from backoffice.ledger.selectors import receivable_for_source
from backoffice.ledger.services import receipt_create
from backoffice.office.models import Carrier
from backoffice.parties.models import Customer
from backoffice.parties.selectors import customer_trade_block
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import SalesOrder
from backoffice.sales.services import (
    delivery_create,
    delivery_return,
    delivery_ship,
    delivery_sign,
    delivery_submit,
    invoice_issue,
    invoice_request_create,
    invoice_reverse_request,
    invoice_submit,
    order_cancel_request,
    order_create,
    order_submit,
)


def demo_orders(*, count: int = 240) -> int:
    if SalesOrder.objects.exists():
        return 0
    rng = random.Random(4711)
    today = timezone.localdate()
    products = list(Product.objects.filter(is_active=True))
    clerks = list(User.objects.filter(groups__name="clerk", is_active=True))
    customers = [
        c
        for c in Customer.objects.filter(status=Customer.Status.ACTIVE).select_related("owner")
        if not customer_trade_block(c)
    ]
    if not products or not customers or len(clerks) < 2:
        return 0
    stories = [
        _order_story(rng, today - timedelta(days=rng.randint(0, 364)), customers, products, clerks)
        for _ in range(count)
    ]
    stories_play(stories)
    return SalesOrder.objects.count()


def _later(day, rng, low: int, high: int):
    return day + timedelta(days=rng.randint(low, high))


def _order_story(rng, ordered_on, customers, products, clerks) -> Story:
    yield ordered_on
    customer = rng.choice(customers)
    lines = [
        {"product": product, "quantity": str(rng.choice([5, 10, 20, 50, 100, 200]))}
        for product in rng.sample(products, rng.randint(1, 6))
    ]
    if rng.random() < 0.1:
        lines.append({"product": rng.choice(products), "quantity": "2", "is_gift": True})
    author = rng.choice(clerks)
    order = order_create(
        customer=customer,
        by=author,
        lines=lines,
        ordered_on=ordered_on,
        note=rng.choice(["", "", "加急", "随货附检验报告", "送货前电话联系"]),
    )
    fate = rng.random()
    if fate < 0.1:
        return  # stays a draft
    order_submit(order=order, by=author)
    if fate < 0.2:
        return  # waits for audit
    yield _later(ordered_on, rng, 0, 1)
    auditor = next(c for c in clerks if c != author)
    if fate < 0.25:
        review_decide(
            request=review_request_for(order),
            by=auditor,
            verdict="reject",
            note="单价与合同不符，请核对",
        )
        return
    try:
        review_decide(request=review_request_for(order), by=auditor, verdict="approve")
    except ApplicationError:
        return  # over the credit limit: stays in audit, as it would in real life
    if fate > 0.97:
        yield _later(ordered_on, rng, 1, 3)
        asked = order_cancel_request(order=order, by=author, reason="客户取消采购计划")
        review_decide(request=review_request_for(asked), by=auditor, verdict="approve")
        return
    yield from _deliver(rng, order, author, clerks)


def _deliver(rng, order, author, clerks) -> Story:
    """Most approved orders get deliveries, in every state from draft to signed or returned:
    released a day or two after the order, shipped, then signed a few days later."""
    fate = rng.random()
    if fate < 0.2:
        return
    day = _later(timezone.localdate(), rng, 0, 2)
    yield day
    partial = fate < 0.45
    carriers = list(Carrier.objects.filter(status=Carrier.Status.APPROVED).order_by("code"))
    lines = [
        {
            "order_line": line,
            "quantity": str(max(line.quantity // 2, 1) if partial else line.quantity),
        }
        for line in order.lines.all()
    ]
    own = random.Random(f"delivery-{order.pk}")  # this change's values, apart from the rest
    addresses = list(order.customer.addresses.all())
    method = rng.choice(["express", "express", "logistics", "own_vehicle"])
    delivery = delivery_create(
        order=order,
        by=author,
        address=own.choice(addresses) if addresses else None,
        lines=lines,
        method=method if carriers else "own_vehicle",  # express and logistics name a carrier
        carrier=rng.choice(carriers) if carriers else None,
        promised_on=order.ordered_on + timedelta(days=rng.randint(2, 7)),
        extras=[{"kind": "sample", "description": "新品样品", "quantity": "2"}]
        if rng.random() < 0.2
        else [],
    )
    if fate < 0.3:
        return
    delivery_submit(delivery=delivery, by=author)
    reviewers = [c for c in clerks if c != author]
    if fate < 0.38 or len(reviewers) < 2:
        review_decide(request=review_request_for(delivery), by=reviewers[0], verdict="approve")
        return
    day = _later(day, rng, 0, 1)
    yield day
    try:
        for reviewer in reviewers[:2]:
            review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    except ApplicationError:
        return
    if fate < 0.5:
        return
    day = _later(day, rng, 0, 1)
    yield day
    prefix = delivery.carrier.code if delivery.carrier else "SF"
    delivery_ship(
        delivery=delivery,
        by=author,
        tracking_number=f"{prefix}{rng.randint(10**11, 10**12)}",
        lines=_batches(own, delivery),
    )
    day = _later(day, rng, 1, 4)
    yield day
    if fate < 0.95:
        delivery_sign(
            delivery=delivery,
            by=author,
            signed_on=day,
            signed_by=rng.choice(["王主任", "李药师", "张库管", "陈经理"]),
        )
    else:
        delivery_return(delivery=delivery, by=author, reason="外箱破损，客户拒收")
        return
    yield from _invoice(rng, order, author, clerks)


def _batches(own, delivery) -> list[dict]:
    """The batch and expiry of each line's goods, as the warehouse records them when it ships
    (the manufacturer and approval number come from the product)."""
    today = timezone.localdate()
    return [
        {
            "delivery_line": line,
            "batch_number": f"{today:%y%m}{own.randint(10, 99)}{own.randint(100, 999)}",
            "expires_on": today + timedelta(days=own.randint(200, 900)),
        }
        for line in delivery.lines.all()
    ]


def _vat_invoice(number: str, invoice) -> dict[str, str]:
    """A fully-digital e-invoice is its 20-digit number; a paper one has a 12-digit code and
    an 8-digit number (taken from the same digits)."""
    if invoice.is_paper:
        return {"invoice_code": f"0110{number[:8]}", "invoice_number": number[-8:]}
    return {"invoice_number": number}


def _invoice(rng, order, author, clerks) -> Story:
    """Invoices for delivered goods: requested after the signature, audited, issued a few
    days later; most issued, some waiting for audit, a few reversed."""
    fate = rng.random()
    if fate < 0.15:
        return
    day = _later(timezone.localdate(), rng, 1, 5)
    yield day
    try:
        invoice = invoice_request_create(order=order, by=author)
    except ApplicationError:
        return
    if fate < 0.25:
        return
    invoice_submit(invoice=invoice, by=author)
    reviewers = [c for c in clerks if c != author]
    if fate < 0.35:
        return
    day = _later(day, rng, 0, 2)
    yield day
    for reviewer in reviewers[:2]:
        review_decide(request=review_request_for(invoice), by=reviewer, verdict="approve")
    finance = User.objects.filter(groups__name="finance").first()
    issued_on = _later(day, rng, 0, 3)
    yield issued_on
    number = f"{rng.randint(10**19, 10**20 - 1)}"
    invoice = invoice_issue(
        invoice=invoice, by=finance, issued_on=issued_on, **_vat_invoice(number, invoice)
    )
    if fate > 0.97:
        yield _later(issued_on, rng, 3, 20)
        # finance asks; the red letter is issued once the invoice's two reviewers approve
        asked = invoice_reverse_request(
            invoice=invoice,
            by=finance,
            issued_on=timezone.localdate(),
            **_vat_invoice(f"{rng.randint(10**19, 10**20 - 1)}", invoice),
            reason="购方信息有误，冲红重开",
        )
        for reviewer in reviewers[:2]:
            review_decide(request=review_request_for(asked), by=reviewer, verdict="approve")
        return
    yield from _receive(rng, invoice, finance)


def _receive(rng, invoice, finance) -> Story:
    """Payments: most invoices paid in full, some in part, some not yet (they age)."""
    fate = rng.random()
    if fate < 0.3:
        return
    received_on = _later(invoice.issued_on, rng, 10, 80)
    yield received_on
    receivable = receivable_for_source(source_model="sales.invoice", source_id=invoice.pk)
    share = receivable.amount if fate > 0.45 else round_amount(receivable.amount / 2)
    receipt_create(
        customer=invoice.customer,
        by=finance,
        amount=share,
        received_on=received_on,
        method=rng.choice(["bank", "bank", "bank", "bill"]),
        bank_reference=f"CMB{rng.randint(10**9, 10**10 - 1)}",
        allocations=[{"receivable": receivable, "amount": share}],
    )
