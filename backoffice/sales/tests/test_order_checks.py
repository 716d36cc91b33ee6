"""The audit's trade and credit checks of an order: warned at entry, refused at audit with a
notice to the author, overridden on the order's page by a sales manager with a reason; the
licensed business scope as a trade-block reason; the order page's documents."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from backoffice.accounts.services import user_create
from backoffice.catalog.models import ProductCategory
from backoffice.catalog.services import product_save
from backoffice.core.models import Notification
from backoffice.parties.services import customer_create, customer_update
from backoffice.parties.tests.factories import terms_set
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.exceptions import CreditLimitExceeded, QualificationBlocked
from backoffice.sales.selectors import order_checks, order_documents
from backoffice.sales.services import order_create, order_submit


@pytest.fixture(autouse=True)
def _language_kept():
    """The pages asked in Chinese below leave the language as they found it."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def manager(db):
    return user_create(username="smgr", role="sales_manager", full_name="赵强")


@pytest.fixture
def blocked(rep_wang, region_north):
    """A pharmacy without its papers: the audit refuses to sell to it."""
    return customer_create(by=rep_wang, name="无证药房", kind="pharmacy", region=region_north)


def _order(customer, by, products, quantity="10"):
    return order_create(
        customer=customer, by=by, lines=[{"product": products[0], "quantity": quantity}]
    )


@pytest.fixture
def categories(db):
    return {
        code: ProductCategory.objects.create(code=code, name=name)
        for code, name in [("rx", "处方药"), ("device3", "三类医疗器械")]
    }


@pytest.fixture
def scoped_products(clerk, categories):
    return [
        product_save(
            by=clerk,
            code="RX1",
            name="阿莫西林胶囊",
            category=categories["rx"],
            list_price=Decimal("18.50"),
        ),
        product_save(
            by=clerk,
            code="DV1",
            name="心脏支架",
            category=categories["device3"],
            list_price=Decimal("100.00"),
        ),
        product_save(by=clerk, code="NC1", name="无类别商品", list_price=Decimal("1.00")),
    ]


# --- warnings before submission -----------------------------------------------------------


@pytest.mark.django_db
def test_a_blocked_customer_is_warned_of_at_entry_in_words(blocked, rep_wang, products):
    order = _order(blocked, rep_wang, products)
    checks = order_checks(order)
    assert checks.refused and not checks.over_credit
    assert {r.code for r in checks.reasons} == {"missing_qualification"}
    assert any("missing" in message for message in checks.messages)


@pytest.mark.django_db
def test_an_order_over_the_credit_limit_is_warned_of_with_the_figures(
    hospital, rep_wang, clerk, finance, products
):
    terms_set(hospital, by=clerk, reviewer=finance, credit_limit=Decimal("100.00"))
    hospital.refresh_from_db()
    order = _order(hospital, rep_wang, products)  # 185.00
    checks = order_checks(order)
    assert checks.refused and checks.over_credit and not checks.reasons
    assert checks.messages == [
        "Open orders 0.00 plus this order 185.00 exceed the credit limit 100.00."
    ]
    small = _order(hospital, rep_wang, products, quantity="1")
    assert not order_checks(small).refused


@pytest.mark.django_db
def test_the_page_warns_before_submission_and_after_saving(client, blocked, clerk, products):
    from backoffice.sales.tests.test_orders_admin import _inline

    client.force_login(clerk)
    response = client.post(
        "/sales/salesorder/add/",
        {
            "customer": blocked.pk,
            "ordered_on": "2026-11-20",
            "_continue": "1",
            **_inline(rows=[{"product": products[0].pk, "quantity": "2", "unit_price": ""}]),
        },
        follow=True,
        headers={"accept-language": "zh-hans"},
    )
    body = response.content.decode()
    assert 'data-testid="order-warning"' in body
    assert "除非销售经理覆盖" in body  # the message after saving, in Chinese
    assert "审核将拒绝此订单" in body


# --- refusal at audit, notice to the author --------------------------------------------------


@pytest.mark.django_db
def test_the_author_is_told_why_the_audit_refused(blocked, rep_wang, clerk, products):
    order = _order(blocked, rep_wang, products)
    order_submit(order=order, by=rep_wang)
    with pytest.raises(QualificationBlocked) as caught:
        review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    order.refresh_from_db()
    assert order.status == "in_review"
    assert review_request_for(order).decisions.count() == 0  # the decision rolled back
    notice = Notification.objects.get(recipient=rep_wang)
    assert str(order) in notice.title
    assert str(caught.value.message) in notice.body  # every reason, in words
    assert notice.url == f"/sales/salesorder/{order.pk}/change/"


@pytest.mark.django_db
def test_a_credit_refusal_is_told_too(hospital, rep_wang, clerk, finance, products):
    terms_set(hospital, by=clerk, reviewer=finance, credit_limit=Decimal("100.00"))
    order = _order(hospital, rep_wang, products)
    order_submit(order=order, by=rep_wang)
    notified = set(Notification.objects.values_list("pk", flat=True))
    with pytest.raises(CreditLimitExceeded) as caught:
        review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    notice = Notification.objects.exclude(pk__in=notified).get()
    assert notice.recipient == rep_wang
    assert "100.00" in str(caught.value.message)
    assert str(caught.value.message) in notice.body


@pytest.mark.django_db
def test_a_send_back_is_no_refusal_notice(blocked, rep_wang, clerk, products):
    order = _order(blocked, rep_wang, products)
    order_submit(order=order, by=rep_wang)
    review_decide(request=review_request_for(order), by=clerk, verdict="reject", note="补资质")
    assert Notification.objects.filter(recipient=rep_wang).count() == 1  # the send-back only


# --- the override on the order's page ------------------------------------------------------


@pytest.mark.django_db
def test_only_who_may_override_sees_the_step(client, blocked, rep_wang, clerk, manager, products):
    order = _order(blocked, rep_wang, products)
    order_submit(order=order, by=rep_wang)
    page = f"/sales/salesorder/{order.pk}/change/"
    client.force_login(clerk)
    assert 'data-testid="step-override"' not in client.get(page).content.decode()
    refused = client.post(f"/sales/salesorder/{order.pk}/step/override/", {"reason": "老客户"})
    assert refused.status_code == 403
    order.refresh_from_db()
    assert order.block_override_reason == ""
    client.force_login(manager)
    assert 'data-testid="step-override"' in client.get(page).content.decode()


@pytest.mark.django_db
def test_the_override_needs_a_reason_and_lets_the_audit_proceed(
    client, blocked, rep_wang, clerk, manager, products
):
    order = _order(blocked, rep_wang, products)
    order_submit(order=order, by=rep_wang)
    with pytest.raises(QualificationBlocked):
        review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    client.force_login(manager)
    step = f"/sales/salesorder/{order.pk}/step/override/"
    empty = client.post(step, {"reason": "   "})
    assert empty.status_code == 400
    assert 'data-testid="step-error"' in empty.content.decode()
    order.refresh_from_db()
    assert order.block_override_reason == ""

    done = client.post(step, {"reason": "资质在补办，总经理同意先发货"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert (order.block_override_reason, order.block_override_by) == (
        "资质在补办，总经理同意先发货",
        manager,
    )
    page = client.get(f"/sales/salesorder/{order.pk}/change/").content.decode()
    assert 'data-testid="order-override"' in page
    assert 'data-testid="step-override"' not in page  # nothing left to override
    review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    order.refresh_from_db()
    assert order.status == "approved" and order.number


@pytest.mark.django_db
def test_no_override_step_when_nothing_would_refuse(client, hospital, rep_wang, manager, products):
    order = _order(hospital, rep_wang, products)
    client.force_login(manager)
    page = client.get(f"/sales/salesorder/{order.pk}/change/").content.decode()
    assert 'data-testid="step-override"' not in page
    assert 'data-testid="order-warning"' not in page


# --- licensed business scope --------------------------------------------------------------


@pytest.mark.django_db
def test_a_line_outside_the_licensed_scope_refuses_the_audit_naming_the_product(
    hospital, rep_wang, clerk, categories, scoped_products
):
    customer_update(customer=hospital, by=clerk, business_scope=[categories["rx"]])
    order = order_create(
        customer=hospital,
        by=rep_wang,
        lines=[
            {"product": scoped_products[0], "quantity": "1"},
            {"product": scoped_products[1], "quantity": "1"},
            {"product": scoped_products[2], "quantity": "1"},
        ],
    )
    checks = order_checks(order)
    assert [r.code for r in checks.reasons] == ["outside_business_scope"] * 2
    assert "心脏支架 (三类医疗器械)" in checks.reasons[0].message
    assert "无类别商品" in checks.reasons[1].message
    assert "阿莫西林" not in " ".join(checks.messages)
    order_submit(order=order, by=rep_wang)
    with pytest.raises(QualificationBlocked) as caught:
        review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    assert {r["code"] for r in caught.value.extra["reasons"]} == {"outside_business_scope"}


@pytest.mark.django_db
def test_inside_the_scope_or_with_no_scope_recorded_the_audit_passes(
    hospital, rep_wang, clerk, second_clerk, categories, scoped_products
):
    unrestricted = order_create(
        customer=hospital, by=rep_wang, lines=[{"product": scoped_products[1], "quantity": "1"}]
    )
    assert order_checks(unrestricted).reasons == []  # no scope recorded: no restriction
    customer_update(
        customer=hospital, by=clerk, business_scope=[categories["rx"], categories["device3"]]
    )
    order_submit(order=unrestricted, by=rep_wang)
    review_decide(request=review_request_for(unrestricted), by=second_clerk, verdict="approve")
    unrestricted.refresh_from_db()
    assert unrestricted.status == "approved"


@pytest.mark.django_db
def test_a_scope_reason_is_overridden_like_the_others(
    hospital, rep_wang, clerk, manager, categories, scoped_products
):
    from backoffice.sales.services import order_override_block

    customer_update(customer=hospital, by=clerk, business_scope=[categories["rx"]])
    order = order_create(
        customer=hospital, by=rep_wang, lines=[{"product": scoped_products[1], "quantity": "1"}]
    )
    order_submit(order=order, by=rep_wang)
    order_override_block(order=order, by=manager, reason="医院已取得三类器械许可，证照在更新")
    review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    order.refresh_from_db()
    assert order.status == "approved"


# --- API ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_checks_api_warns_and_hides_other_reps_orders(api, blocked, rep_wang, rep_li, products):
    order = _order(blocked, rep_wang, products)
    api.force_authenticate(rep_wang)
    body = api.get(f"/api/v1/sales/orders/{order.pk}/checks/").json()
    assert body["refused"] is True and body["overridden"] is False
    assert {r["code"] for r in body["reasons"]} == {"missing_qualification"}
    assert body["order_amount"] == "185.00"
    api.force_authenticate(rep_li)
    assert api.get(f"/api/v1/sales/orders/{order.pk}/checks/").status_code == 404


@pytest.mark.django_db
def test_the_api_override_and_the_page_share_the_service(api, blocked, rep_wang, manager, products):
    order = _order(blocked, rep_wang, products)
    api.force_authenticate(manager)
    response = api.post(
        f"/api/v1/sales/orders/{order.pk}/override/", {"reason": "  "}, format="json"
    )
    assert response.status_code == 400
    response = api.post(
        f"/api/v1/sales/orders/{order.pk}/override/", {"reason": "总经理同意"}, format="json"
    )
    assert response.status_code == 200
    body = api.get(f"/api/v1/sales/orders/{order.pk}/checks/").json()
    assert (body["refused"], body["overridden"]) == (False, True)


# --- the order's documents ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_order_page_lists_deliveries_invoices_and_receipts(
    client, issued, clerk, finance, django_assert_num_queries
):
    from backoffice.ledger.selectors import receivable_for_source
    from backoffice.ledger.services import receipt_create

    order = issued.order
    receipt = receipt_create(
        customer=order.customer,
        by=finance,
        amount="100.00",
        received_on=date(2026, 10, 5),
        allocations=[
            {
                "receivable": receivable_for_source(
                    source_model="sales.invoice", source_id=issued.pk
                ).pk,
                "amount": "100.00",
            }
        ],
    )
    with django_assert_num_queries(3):
        documents = order_documents(order, by=clerk)
        deliveries = list(documents["deliveries"])
        invoices = list(documents["invoices"])
        allocations = list(documents["allocations"])
        assert [a.receipt.number for a in allocations] == [receipt.number]
    assert [d.amount for d in deliveries] == [Decimal("244.32")]
    assert [i.pk for i in invoices] == [issued.pk]
    assert allocations[0].amount == Decimal("100.00")

    client.force_login(clerk)
    page = client.get(
        f"/sales/salesorder/{order.pk}/change/", headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert f'href="/sales/delivery/{deliveries[0].pk}/change/"' in page
    assert f'href="/sales/invoice/{issued.pk}/change/"' in page
    assert f'href="/ledger/receipt/{receipt.pk}/change/"' in page
    assert "已开票" in page and "12345678" in page and "2026-10-05" in page
    assert ">244.32<" in "".join(page.split())  # the delivery's value, with two decimals


@pytest.mark.django_db
def test_the_order_page_lists_only_the_receipts_its_reader_may_see(issued, finance):
    from backoffice.ledger.selectors import receivable_for_source
    from backoffice.ledger.services import receipt_create

    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    receipt_create(
        customer=issued.customer,
        by=finance,
        amount="50.00",
        received_on=date(2026, 10, 5),
        allocations=[{"receivable": receivable.pk, "amount": "50.00"}],
    )
    storeman = user_create(username="store", role="warehouse", full_name="仓管")
    documents = order_documents(issued.order, by=storeman)
    assert len(documents["deliveries"]) == 1  # the warehouse sees every delivery
    assert list(documents["allocations"]) == []  # but no receipts
    assert len(order_documents(issued.order, by=finance)["allocations"]) == 1
