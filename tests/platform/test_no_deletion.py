"""Nothing that has left draft is deleted, by anyone, through any path (issue 15 §1).

Every model of the project declares when a row may be deleted (`DELETION`, core/deletion.py),
and every model whose rule protects some rows has a builder here that makes a row in each
protected state: a test fails for a model without a rule or without a builder. Each protected
row is then attacked as a superuser through every path: the admin's delete page (GET and
POST), the admin's bulk "delete selected", the API's DELETE wherever a route exists,
`obj.delete()`, `QuerySet.delete()` and, on the ledger's tables, raw SQL (the database's
triggers; TRUNCATE too on PostgreSQL). The row survives each, and the refusal is a message or
a 409, never a 500.
"""

import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import DatabaseError, connection, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.accounts.tests.factories import RegionFactory, UserFactory
from backoffice.audit.tests.factories import AuditEventFactory
from backoffice.catalog.tests.factories import ProductCategoryFactory, ProductFactory
from backoffice.contracts.tests.factories import ContractFactory
from backoffice.core.deletion import ALWAYS, NotDeletable, deletable, never_deletable, rule_for
from backoffice.expenses.tests.factories import (
    ExpenseApplicationFactory,
    ExpenseVerificationFactory,
    PettyCashEntryFactory,
    PettyCashFloatFactory,
    PettyCashSettlementFactory,
)
from backoffice.ledger import guard
from backoffice.ledger.models import PaymentAllocation, ReceiptAllocation
from backoffice.ledger.tests.factories import (
    AccountFactory,
    JournalEntryFactory,
    ReceiptFactory,
    ReceivableFactory,
    SupplierInvoiceFactory,
    SupplierPaymentFactory,
)
from backoffice.materials.tests.factories import (
    IssueLineFactory,
    IssueRequestFactory,
    PrintingJobFactory,
    StockBalanceFactory,
    StockMoveFactory,
    StockReceiptFactory,
    StockReceiptLineFactory,
    StocktakeFactory,
    StocktakeLineFactory,
    StockTransferFactory,
    StockTransferLineFactory,
)
from backoffice.office.tests.factories import (
    CarrierBillFactory,
    CarrierBillLineFactory,
    CarrierFactory,
    MailItemFactory,
)
from backoffice.parties.models import (
    CallCadence,
    CallInventoryLine,
    Customer,
    CustomerImport,
    CustomerTermsChange,
)
from backoffice.parties.services import customer_terms_change_request
from backoffice.parties.services.terms import BLOCKED
from backoffice.parties.tests.factories import (
    CallRecordFactory,
    CustomerFactory,
    FeedbackFactory,
    QualificationFactory,
    VisitFactory,
    terms_set,
)
from backoffice.reports.tests.factories import ReportPackFactory
from backoffice.reviews.models import ReversalRequest, ReviewDecision
from backoffice.reviews.reversals import reversal_code
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.reviews.tests.factories import ReviewRequestFactory, VoucherFactory
from backoffice.sales.models import (
    DeliveryExtra,
    HistoryCategory,
    HistoryLine,
    SalesFact,
    SalesFactRow,
    SalesMonth,
)
from backoffice.sales.tests.factories import (
    DeliveryFactory,
    HistoryImportFactory,
    HistoryOrderFactory,
    InvoiceFactory,
    SalesOrderFactory,
)

Builder = Callable[[], list[models.Model]]
BUILDERS: dict[str, Builder] = {}
_unique = itertools.count(1)


def builds(label: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        BUILDERS[label] = builder
        return builder

    return register


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith(("backoffice.", "tests.testapp."))
    ]


def _statuses(model: type[models.Model], *, but: str = "draft") -> list[str]:
    return [value for value in model.Status.values if value != but]


# --- protected rows, per model ----------------------------------------------------------------
@builds("audit.AuditEvent")
def _audit_events():
    return [AuditEventFactory(actor=UserFactory(), object_id="1")]


@builds("core.DocumentCounter")
def _counters():
    from backoffice.core.models import DocumentCounter

    return [DocumentCounter.objects.create(kind="SO", year=2026, last_number=3)]


@builds("core.Attachment")
def _attachments():
    from backoffice.core.models import Attachment

    customer = CustomerFactory()
    return [
        Attachment.objects.create(
            content_type=ContentType.objects.get_for_model(Customer),
            object_id=customer.pk,
            file="attachments/2026/11/paper.pdf",
            original_name="营业执照.pdf",
            mime_type="application/pdf",
            size=10,
            uploaded_by=customer.owner,
        )
    ]


@builds("core.CompanySettings")
def _company_settings():
    from backoffice.core.models import CompanySettings

    return [CompanySettings.objects.get_or_create(pk=1, defaults={"legal_name": "康泰医药"})[0]]


@builds("accounts.User")
def _users_who_acted():
    user = UserFactory()
    AuditEventFactory(actor=user, object_id="1")
    return [user]


@builds("reviews.ReviewRequest")
def _review_requests():
    return [ReviewRequestFactory()]


@builds("reviews.ReversalRequest")
def _reversal_requests():
    """A request to undo an approved order, in each state (issue 15 §20)."""
    from backoffice.sales.models import SalesOrder

    order = SalesOrderFactory(status="approved")
    return [
        ReversalRequest.objects.create(
            action=reversal_code(SalesOrder, "cancel"),
            content_type=ContentType.objects.get_for_model(SalesOrder),
            object_id=order.pk,
            object_repr=str(order),
            reason="客户取消",
            status=status,
            requested_by=UserFactory(),
        )
        for status in ReversalRequest.Status.values
    ]


@builds("reviews.ReviewDecision")
def _review_decisions():
    request = ReviewRequestFactory()
    return [
        ReviewDecision.objects.create(
            request=request, round=1, level_index=0, reviewer=UserFactory(), verdict="approve"
        )
    ]


def _terms_people() -> tuple[User, User]:
    """Who asks for a customer's new terms (a clerk) and who approves them (finance): a
    blocked status is reached only through that review (issue 15 §3)."""
    return UserFactory(role="clerk", region_codes=[]), UserFactory(role="finance", region_codes=[])


@builds("parties.Customer")
def _customers():
    clerk, finance = _terms_people()
    customers = []
    for status in _statuses(Customer, but="prospect"):
        if status in BLOCKED:
            customer = CustomerFactory(status=Customer.Status.ACTIVE)
            customers.append(
                terms_set(customer, by=clerk, reviewer=finance, customer_status=status)
            )
        else:
            customers.append(CustomerFactory(status=status))
    assert [c.status for c in customers] == _statuses(Customer, but="prospect")
    return customers


@builds("parties.CustomerImport")
def _customer_imports():
    by = UserFactory()
    return [
        CustomerImport.objects.create(status=status, created_by=by, filename="客户.xlsx")
        for status in CustomerImport.Status.values
    ]


@builds("parties.CustomerTermsChange")
def _terms_changes():
    """One in review, one applied, one refused (a reviewed request is never removed)."""
    clerk, finance = _terms_people()
    waiting = customer_terms_change_request(
        customer=CustomerFactory(), by=clerk, credit_limit="100.00", reason="新客户"
    )
    terms_set(CustomerFactory(), by=clerk, reviewer=finance, credit_limit="200.00")
    refused = customer_terms_change_request(
        customer=CustomerFactory(), by=clerk, credit_limit="300.00", reason="新客户"
    )
    review_decide(
        request=review_request_for(refused), by=finance, verdict="reject", note="额度过高"
    )
    changes = list(CustomerTermsChange.objects.filter(requested_by=clerk).order_by("pk"))
    assert {c.status for c in changes} == set(CustomerTermsChange.State.values), changes
    assert waiting in changes
    return changes


@builds("parties.CallCadence")
def _call_cadences():
    return [CallCadence.objects.get_or_create(grade="A", defaults={"interval_days": 30})[0]]


@builds("parties.CallRecord")
def _calls():
    return [CallRecordFactory()]


@builds("parties.CallInventoryLine")
def _call_inventory():
    return [CallInventoryLine.objects.create(call=CallRecordFactory(), product=ProductFactory())]


@builds("parties.Visit")
def _visits():
    return [VisitFactory()]


@builds("parties.Feedback")
def _feedback():
    return [FeedbackFactory()]


@builds("parties.Qualification")
def _qualifications():
    from backoffice.parties.models import Qualification

    return [QualificationFactory(status=s) for s in _statuses(Qualification, but="pending")]


@builds("ledger.Account")
def _accounts():
    return [AccountFactory()]


@builds("ledger.JournalEntry")
def _journal_entries():
    return [JournalEntryFactory()]


@builds("ledger.JournalLine")
def _journal_lines():
    return [JournalEntryFactory().lines.first()]


@builds("ledger.Receivable")
def _receivables():
    return [ReceivableFactory()]


@builds("ledger.Receipt")
def _receipts():
    return [ReceiptFactory()]


@builds("ledger.ReceiptAllocation")
def _receipt_allocations():
    receivable = ReceivableFactory()
    receipt = ReceiptFactory(customer=receivable.customer)
    return [
        ReceiptAllocation.objects.create(
            receipt=receipt,
            receivable=receivable,
            amount=Decimal("100.00"),
            allocated_on=timezone.localdate(),
        )
    ]


def _supplier_contract():
    supplier = CustomerFactory(kind="supplier")
    return ContractFactory(kind="purchase", counterparty=supplier)


@builds("ledger.SupplierInvoice")
def _supplier_invoices():
    return [SupplierInvoiceFactory(contract=_supplier_contract())]


@builds("ledger.SupplierPayment")
def _supplier_payments():
    return [SupplierPaymentFactory(supplier=CustomerFactory(kind="supplier"))]


@builds("ledger.PaymentAllocation")
def _payment_allocations():
    invoice = SupplierInvoiceFactory(contract=_supplier_contract())
    payment = SupplierPaymentFactory(supplier=invoice.supplier)
    return [PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount="10.00")]


@builds("contracts.Contract")
def _contracts():
    from backoffice.contracts.models import Contract

    return [ContractFactory(status=status) for status in _statuses(Contract)]


@builds("expenses.ExpenseApplication")
def _expense_applications():
    from backoffice.expenses.models import ExpenseApplication

    return [ExpenseApplicationFactory(status=status) for status in _statuses(ExpenseApplication)]


@builds("expenses.ExpenseVerification")
def _expense_verifications():
    return [ExpenseVerificationFactory(status=status) for status in ("in_review", "verified")]


@builds("expenses.ExpenseVerificationLine")
def _expense_verification_lines():
    return [ExpenseVerificationFactory(status="in_review").lines.first()]


@builds("expenses.PettyCashFloat")
def _petty_cash_floats():
    return [PettyCashFloatFactory(status="open"), PettyCashFloatFactory(status="returned")]


@builds("expenses.PettyCashSettlement")
def _petty_cash_settlements():
    return [PettyCashSettlementFactory(status=status) for status in ("in_review", "settled")]


@builds("expenses.PettyCashEntry")
def _petty_cash_entries():
    return [
        PettyCashEntryFactory(settlement=PettyCashSettlementFactory(status=status))
        for status in ("in_review", "settled")
    ]


@builds("materials.StockBalance")
def _stock_balances():
    return [StockBalanceFactory()]


@builds("materials.StockMove")
def _stock_moves():
    return [StockMoveFactory()]


@builds("materials.StockReceipt")
def _stock_receipts():
    return [StockReceiptFactory()]


@builds("materials.StockReceiptLine")
def _stock_receipt_lines():
    return [StockReceiptLineFactory()]


@builds("materials.StockTransfer")
def _stock_transfers():
    return [StockTransferFactory()]


@builds("materials.StockTransferLine")
def _stock_transfer_lines():
    return [StockTransferLineFactory()]


@builds("materials.IssueRequest")
def _material_issues():
    from backoffice.materials.models import IssueRequest

    return [IssueRequestFactory(status=status) for status in _statuses(IssueRequest)]


@builds("materials.IssueLine")
def _material_issue_lines():
    return [IssueLineFactory(issue__status="released")]


@builds("materials.PrintingJob")
def _printing_jobs():
    return [PrintingJobFactory(status=status) for status in ("ordered", "received", "cancelled")]


@builds("materials.Stocktake")
def _stocktakes():
    from backoffice.materials.models import Stocktake

    return [StocktakeFactory(status=status) for status in _statuses(Stocktake)]


@builds("materials.StocktakeLine")
def _stocktake_lines():
    return [StocktakeLineFactory(stocktake__status="approved")]


@builds("office.Carrier")
def _carriers():
    return [CarrierFactory(status=status) for status in ("candidate", "approved", "suspended")]


@builds("office.MailItem")
def _mail_items():
    from backoffice.office.models import MailItem

    return [MailItemFactory(status=status) for status in _statuses(MailItem)]


@builds("office.CarrierBill")
def _carrier_bills():
    return [CarrierBillFactory(status=status) for status in ("open", "settled")]


@builds("office.CarrierBillLine")
def _carrier_bill_lines():
    return [CarrierBillLineFactory(bill__status="settled")]


@builds("contracts.ContractLine")
def _contract_lines():
    return [ContractFactory(status="signed").lines.first()]


@builds("contracts.ContractMilestone")
def _contract_milestones():
    return [ContractFactory(status="active").milestones.first()]


def _sent_back_order():
    """A draft again, but once submitted and sent back by its auditor: its review and the
    auditor's decision are kept, so the draft is too (issue 15 §1)."""
    from backoffice.sales.services import order_submit

    author, auditor = UserFactory(role="clerk", region_codes=[]), UserFactory(role="clerk")
    order = order_submit(order=SalesOrderFactory(status="draft", created_by=author), by=author)
    review_decide(request=review_request_for(order), by=auditor, verdict="reject", note="数量不对")
    order.refresh_from_db()
    assert order.status == "draft"
    return order


@builds("sales.SalesOrder")
def _orders():
    from backoffice.sales.models import SalesOrder

    return [SalesOrderFactory(status=status) for status in _statuses(SalesOrder)] + [
        _sent_back_order()
    ]


@builds("sales.SalesOrderLine")
def _order_lines():
    return [SalesOrderFactory(status="approved").lines.first()]


@builds("sales.Delivery")
def _deliveries():
    from backoffice.sales.models import Delivery

    return [DeliveryFactory(status=status) for status in _statuses(Delivery)]


@builds("sales.DeliveryLine")
def _delivery_lines():
    return [DeliveryFactory(status="released").lines.first()]


@builds("sales.DeliveryExtra")
def _delivery_extras():
    delivery = DeliveryFactory(status="shipped")
    return [DeliveryExtra.objects.create(delivery=delivery, description="样品")]


@builds("sales.Invoice")
def _invoices():
    from backoffice.sales.models import Invoice

    return [InvoiceFactory(status=status) for status in _statuses(Invoice)]


@builds("sales.InvoiceLine")
def _invoice_lines():
    return [InvoiceFactory(status="issued").lines.first()]


def _fact_keys() -> dict:
    customer = CustomerFactory()
    return {
        "day": timezone.localdate(),
        "customer_id": customer.pk,
        "region_id": customer.region_id,
        "owner_id": customer.owner_id,
        "customer_kind": customer.kind,
    }


@builds("sales.SalesFact")
def _facts():
    product = ProductFactory()
    return [SalesFact.objects.create(basis=1, product_id=product.pk, **_fact_keys())]


@builds("sales.SalesFactRow")
def _fact_rows():
    _facts()
    return list(SalesFactRow.objects.all()[:1])


@builds("sales.SalesMonth")
def _sales_months():
    product = ProductFactory(category=ProductCategoryFactory())
    return [
        SalesMonth.objects.create(
            basis=1,
            product_id=product.pk,
            month=timezone.localdate().replace(day=1),
            customer_id=0,
            region_id=RegionFactory().pk,
            owner_id=0,
            customer_kind="",
            category_id=product.category_id,
            orders=1,
        )
    ]


@builds("sales.HistoryImport")
def _history_imports():
    return [HistoryImportFactory(status=s) for s in ("queued", "running", "succeeded", "failed")]


@builds("sales.HistoryOrder")
def _history_orders():
    return [HistoryOrderFactory()]


@builds("sales.HistoryLine")
def _history_lines():
    order = HistoryOrderFactory()
    return [
        HistoryLine.objects.create(
            order=order,
            line_no=1,
            product=ProductFactory(),
            day=order.day,
            customer_id=order.customer_id,
            region_id=order.region_id,
            owner_id=order.owner_id,
            customer_kind=order.customer_kind,
        )
    ]


@builds("sales.HistoryCategory")
def _history_categories():
    order = HistoryOrderFactory()
    product = ProductFactory(category=ProductCategoryFactory())
    return [
        HistoryCategory.objects.create(
            order=order,
            category_id=product.category_id,
            product_id=-product.category_id,  # the category grain's key (a negative id)
            day=order.day,
            customer_id=order.customer_id,
            region_id=order.region_id,
            owner_id=order.owner_id,
            customer_kind=order.customer_kind,
            line_count=1,
        )
    ]


@builds("reports.ReportPack")
def _report_packs():
    return [ReportPackFactory()]


@builds("testapp.Voucher")
def _vouchers():
    from tests.testapp.models import Voucher

    return [VoucherFactory(status=status) for status in _statuses(Voucher)]


# The API's DELETE endpoints, by view, and the model each deletes. A new one must be listed.
API_DELETE = {
    "RegionDetailApi": "accounts.Region",
    "DepartmentDetailApi": "accounts.Department",
    "EntryDetailApi": "expenses.PettyCashEntry",
}


def _api_delete_views() -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                if view is not None and hasattr(view, "delete") and prefix.startswith("api/"):
                    found[view.__name__] = pattern.name

    walk(get_resolver().url_patterns, "")
    return found


# --- the registry is complete -------------------------------------------------------------------
def test_every_model_declares_when_it_may_be_deleted():
    missing = [model._meta.label for model in _project_models() if rule_for(model) is None]
    assert not missing, f"declare DELETION (core/deletion.py) on {missing}"


def test_every_protecting_rule_has_a_builder_of_protected_rows():
    protecting = {m._meta.label for m in _project_models() if rule_for(m) not in (None, ALWAYS)}
    missing = protecting - set(BUILDERS)
    assert not missing, f"add a builder of protected rows for {sorted(missing)}"


def test_every_api_delete_endpoint_is_known():
    unknown = set(_api_delete_views()) - set(API_DELETE)
    assert not unknown, f"list {sorted(unknown)} in API_DELETE with the model it deletes"


# --- every path refuses ---------------------------------------------------------------------
@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(username="dl_admin", password="x", full_name="管理员")


def _exists(obj: models.Model) -> bool:
    return type(obj)._default_manager.filter(pk=obj.pk).exists()


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _admin_paths(client: Client, obj: models.Model) -> None:
    model = type(obj)
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return
    opts = model._meta
    delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    page = client.get(delete_url)
    assert page.status_code == 302, (opts.label, page.status_code)
    assert "cannot be deleted" in _messages(page), opts.label

    posted = client.post(delete_url, {"post": "yes"})
    assert posted.status_code == 302, (opts.label, posted.status_code)
    assert "cannot be deleted" in _messages(posted), opts.label
    assert _exists(obj), f"{opts.label} deleted through the admin's delete page"

    request = client.get(changelist).wsgi_request
    offered = "delete_selected" in model_admin.get_actions(request)
    if never_deletable(model):
        assert not offered, f"{opts.label} offers 'delete selected'"
    bulk = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [obj.pk], "index": 0, "post": "yes"},
    )
    assert bulk.status_code in (200, 302), (opts.label, bulk.status_code)
    assert _exists(obj), f"{opts.label} deleted through 'delete selected'"
    if offered:
        assert "cannot be deleted" in _messages(bulk), opts.label


# The ORM's collector checks PROTECT before it sends pre_delete: either refusal will do.
REFUSED = (NotDeletable, models.ProtectedError, models.RestrictedError)


def _orm_paths(obj: models.Model) -> None:
    model = type(obj)
    with pytest.raises(REFUSED), transaction.atomic():
        obj.delete()
    with pytest.raises(REFUSED), transaction.atomic():
        model._default_manager.filter(pk=obj.pk).delete()
    assert _exists(obj), f"{model._meta.label} deleted through the ORM"


def _sql_paths(obj: models.Model) -> None:
    table = type(obj)._meta.db_table
    if table not in guard.TABLES:
        return
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [obj.pk])  # noqa: S608 - our names
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert _exists(obj), f"{table} row deleted by SQL"


@pytest.mark.parametrize("label", sorted(BUILDERS))
def test_no_protected_row_is_deleted_by_any_path(label, superuser, client):
    rows = BUILDERS[label]()
    assert rows, f"the builder of {label} made no row"
    client.force_login(superuser)
    for obj in rows:
        assert obj._meta.label == label
        assert not deletable(obj), f"{label} {obj!r} should be protected"
        _admin_paths(client, obj)
        _orm_paths(obj)
        _sql_paths(obj)


def test_api_delete_of_a_referenced_record_is_refused_with_409(superuser, client):
    region = RegionFactory()
    CustomerFactory(region=region)
    client.force_login(superuser)
    response = client.delete(reverse("region-detail", args=[region.pk]))
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "not_deletable"
    assert _exists(region)


def test_a_draft_is_deleted_with_its_lines(superuser, client):
    order = SalesOrderFactory(status="draft")
    lines = list(order.lines.all())
    client.force_login(superuser)
    url = reverse("admin:sales_salesorder_delete", args=[order.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not _exists(order)
    assert not any(_exists(line) for line in lines)


def test_bulk_delete_refuses_the_whole_selection_when_one_row_is_protected(superuser, client):
    draft, released = DeliveryFactory(status="draft"), DeliveryFactory(status="released")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:sales_delivery_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [draft.pk, released.pk],
            "index": 0,
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert _exists(draft) and _exists(released)


def test_a_cascade_that_would_remove_a_protected_row_is_refused(db):
    """A prospect may be deleted, but not through the papers it already had verified."""
    customer = CustomerFactory(status="prospect")
    QualificationFactory(customer=customer, status="verified")
    with pytest.raises(REFUSED):
        customer.delete()
    assert _exists(customer)


def test_the_delete_button_is_hidden_once_a_document_left_draft(superuser, client):
    released = DeliveryFactory(status="released", lines=None)
    client.force_login(superuser)
    page = client.get(reverse("admin:sales_delivery_change", args=[released.pk]))
    assert page.status_code == 200
    delete_url = reverse("admin:sales_delivery_delete", args=[released.pk])
    assert delete_url not in page.content.decode()


def test_users_who_have_not_acted_may_be_deleted_and_others_not(db):
    idle, active = UserFactory(), UserFactory()
    AuditEventFactory(actor=active, object_id="1")
    assert deletable(idle)
    assert not deletable(active)


def test_a_draft_sent_back_by_its_reviewers_is_kept_and_its_lines_still_edited(superuser, client):
    """Once reviewed, a draft is no longer a pure draft: deleting it would leave its review
    and decisions pointing to nothing. It is refused with the reason and cancelled instead;
    its lines are still removed like any draft's."""
    from backoffice.reviews.models import ReviewRequest
    from backoffice.sales.services import order_cancel

    order = _sent_back_order()
    assert SalesOrderFactory(status="draft").pk  # a pure draft beside it stays deletable
    client.force_login(superuser)
    page = client.get(reverse("admin:sales_salesorder_change", args=[order.pk]))
    assert reverse("admin:sales_salesorder_delete", args=[order.pk]) not in page.content.decode()
    refused = client.post(
        reverse("admin:sales_salesorder_delete", args=[order.pk]), {"post": "yes"}
    )
    assert "has been through review" in _messages(refused)
    with pytest.raises(NotDeletable) as caught, transaction.atomic():
        order.delete()
    assert caught.value.status == 409
    assert caught.value.code == "not_deletable"
    assert _exists(order)
    assert ReviewRequest.objects.filter(object_id=order.pk, kind="sales.salesorder").exists()

    line = order.lines.first()
    assert deletable(line)
    line.delete()
    order_cancel(order=order, by=superuser, reason="客户取消")
    order.refresh_from_db()
    assert order.status == "cancelled"


def _reviewable_drafts() -> list[str]:
    """Each kind of reviewed document whose rule lets some rows go (its drafts)."""
    from backoffice.reviews.registry import registrations

    return sorted(r.kind for r in registrations() if not never_deletable(r.model))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", _reviewable_drafts())
def test_no_document_with_a_review_is_deleted_whatever_its_status(kind, superuser, client):
    """The rule for every kind of reviewed document, not only orders: a row its own rule
    would let go (a draft, papers pending) is kept once any review of it exists."""
    from backoffice.core.deletion import InStatus
    from backoffice.reviews.registry import registration_for
    from tests.platform.test_model_scopes import FACTORIES

    model = registration_for(kind).model
    rule = rule_for(model)
    values = {rule.field: rule.statuses[0]} if isinstance(rule, InStatus) else {}
    document = FACTORIES[kind](**values)
    assert deletable(document), kind  # a pure draft
    ReviewRequestFactory(
        kind=kind,
        content_type=ContentType.objects.get_for_model(model),
        object_id=document.pk,
        object_repr=str(document)[:200],
        state="rejected",
    )
    assert not deletable(document), kind
    client.force_login(superuser)
    _admin_paths(client, document)
    _orm_paths(document)
