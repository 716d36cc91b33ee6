"""/api/v1/ledger/…: receipts, customer statements, AR aging; supplier invoices and payments
(DOMAIN §4)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.core.access import require_perm
from backoffice.core.api import filtered, paginate, paginated_schema, query_date
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.versions import detail_response
from backoffice.ledger.filters import ReceiptFilter, SupplierInvoiceFilter, SupplierPaymentFilter
from backoffice.ledger.models import Receipt, SupplierPayment
from backoffice.ledger.selectors import (
    BUCKETS,
    access_customer,
    access_payable_source,
    access_receipt,
    aging,
    customer_statement,
    customer_visible_to,
    general_ledger,
    receipt_visible_to,
    receivable_for_source,
    supplier_invoice_visible_to,
    supplier_payment_visible_to,
)
from backoffice.ledger.services import (
    receipt_allocate,
    receipt_create,
    supplier_invoice_create,
    supplier_payment_create,
)


class AllocationSerializer(serializers.Serializer):
    invoice = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ref_name = "Allocation"


class ReceiptInputSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    received_on = serializers.DateField()
    method = serializers.ChoiceField(choices=Receipt.Method.choices, default="bank")
    bank_reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    allocations = AllocationSerializer(many=True, required=False, default=list)

    class Meta:
        ref_name = "ReceiptInput"


class ReceiptOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    customer = serializers.IntegerField(source="customer_id")
    received_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    allocated_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    method = serializers.CharField()
    bank_reference = serializers.CharField()

    class Meta:
        ref_name = "Receipt"


def _allocations_to_invoices(rows: list[dict], *, customer_id: int) -> list[dict]:
    """The API names issued sales invoices by id; the allocation service settles their
    receivables."""
    allocations = []
    for index, row in enumerate(rows, start=1):
        receivable = receivable_for_source(source_model="sales.invoice", source_id=row["invoice"])
        if receivable is None or receivable.customer_id != customer_id:
            raise ValidationFailed(
                extra={
                    "fields": {
                        "allocations": {
                            str(index): {"invoice": [_("not an issued invoice of this customer")]}
                        }
                    }
                }
            )
        allocations.append({"receivable": receivable, "amount": row["amount"]})
    return allocations


class ReceiptListApi(APIView):
    filterset_class = ReceiptFilter

    @extend_schema(responses={200: paginated_schema(ReceiptOutputSerializer, "Receipt")})
    def get(self, request: Request) -> Response:
        receipts = filtered(request, self.filterset_class, receipt_visible_to(request.user))
        return paginate(
            request, receipts.order_by("-received_on", "-id"), ReceiptOutputSerializer, self
        )

    @extend_schema(request=ReceiptInputSerializer, responses={201: ReceiptOutputSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "ledger.add_receipt")
        data = ReceiptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = access_customer(request.user, values["customer"])
        allocations = _allocations_to_invoices(values["allocations"], customer_id=customer.pk)
        receipt = receipt_create(
            customer=customer,
            by=request.user,
            amount=values["amount"],
            received_on=values["received_on"],
            method=values["method"],
            bank_reference=values["bank_reference"],
            allocations=allocations,
        )
        return Response(ReceiptOutputSerializer(receipt).data, status=201)


class ReceiptDetailApi(APIView):
    @extend_schema(responses={200: ReceiptOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_receipt(request.user, pk), ReceiptOutputSerializer)


class ReceiptAllocateApi(APIView):
    """POST …/receipts/{id}/allocations/ — apply what the receipt left unallocated (the
    customer's credit) to issued invoices, later: never beyond the receipt's unallocated
    amount nor an invoice's outstanding amount (409)."""

    class InputSerializer(serializers.Serializer):
        allocations = AllocationSerializer(many=True, allow_empty=False)
        allocated_on = serializers.DateField(required=False, help_text="default: today")

        class Meta:
            ref_name = "ReceiptAllocateInput"

    @extend_schema(request=InputSerializer, responses={200: ReceiptOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        receipt = access_receipt(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        allocations = _allocations_to_invoices(
            data.validated_data["allocations"], customer_id=receipt.customer_id
        )
        receipt = receipt_allocate(
            receipt=receipt,
            by=request.user,
            allocations=allocations,
            allocated_on=data.validated_data.get("allocated_on") or timezone.localdate(),
        )
        return Response(ReceiptOutputSerializer(receipt).data)


class StatementLineSerializer(serializers.Serializer):
    date = serializers.DateField()
    voucher = serializers.CharField()
    document = serializers.CharField()
    account = serializers.CharField()
    memo = serializers.CharField()
    debit = serializers.DecimalField(max_digits=16, decimal_places=2)
    credit = serializers.DecimalField(max_digits=16, decimal_places=2)
    balance = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ref_name = "StatementLine"


class StatementSerializer(serializers.Serializer):
    opening = serializers.DecimalField(max_digits=16, decimal_places=2)
    lines = StatementLineSerializer(many=True)
    closing = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ref_name = "Statement"


class CustomerStatementApi(APIView):
    """GET …/customers/{id}/statement/?date_from=&date_to= — the subsidiary ledger."""

    @extend_schema(
        parameters=[OpenApiParameter("date_from", date), OpenApiParameter("date_to", date)],
        responses={200: StatementSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        customer = access_customer(request.user, pk)
        today = timezone.localdate()
        date_from = query_date(request.query_params, "date_from", today.replace(month=1, day=1))
        date_to = query_date(request.query_params, "date_to", today)
        statement = customer_statement(customer=customer, date_from=date_from, date_to=date_to)
        return Response(StatementSerializer(statement).data)


class AgingApi(APIView):
    """GET …/aging/?as_of= — open receivables by days past due, per customer and in total."""

    @extend_schema(parameters=[OpenApiParameter("as_of", date)], responses={200: dict})
    def get(self, request: Request) -> Response:
        as_of = query_date(request.query_params, "as_of", timezone.localdate())
        rows, totals = aging(as_of=as_of, customers=customer_visible_to(request.user))
        names = [name for _limit, name in BUCKETS]
        return Response(
            {
                "as_of": as_of.isoformat(),
                "buckets": names,
                "customers": [
                    {
                        "customer": row.customer_id,
                        "name": row.customer,
                        **{name: str(row.buckets[name]) for name in names},
                        "total": str(row.total),
                    }
                    for row in rows
                ],
                "totals": {
                    **{name: str(totals[name]) for name in names},
                    "total": str(sum(totals.values())),
                },
            }
        )


class GeneralLedgerApi(APIView):
    """GET …/general/?date_from=&date_to= — per account: opening, debit, credit, closing."""

    @extend_schema(
        parameters=[OpenApiParameter("date_from", date), OpenApiParameter("date_to", date)],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        require_perm(request.user, "ledger.view_general_ledger")
        today = timezone.localdate()
        date_from = query_date(request.query_params, "date_from", today.replace(month=1, day=1))
        date_to = query_date(request.query_params, "date_to", today)
        rows, totals = general_ledger(date_from=date_from, date_to=date_to)

        def text(row: dict) -> dict:
            return {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()}

        return Response(
            {
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "accounts": [text(row) for row in rows],
                "totals": text(totals),
            }
        )


class SupplierInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    contract = serializers.IntegerField(source="contract_id")
    supplier = serializers.IntegerField(source="supplier_id", read_only=True)
    vat_invoice_number = serializers.CharField(max_length=20)
    issued_on = serializers.DateField()
    due_on = serializers.DateField(required=False, allow_null=True)
    gross_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    tax_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    net_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    paid_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        ref_name = "SupplierInvoice"


class SupplierInvoiceListApi(APIView):
    filterset_class = SupplierInvoiceFilter

    @extend_schema(responses={200: paginated_schema(SupplierInvoiceSerializer, "SupplierInvoice")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "ledger.view_supplierinvoice")
        invoices = filtered(
            request, self.filterset_class, supplier_invoice_visible_to(request.user)
        )
        return paginate(
            request, invoices.order_by("-issued_on", "-id"), SupplierInvoiceSerializer, self
        )

    @extend_schema(request=SupplierInvoiceSerializer, responses={201: SupplierInvoiceSerializer})
    def post(self, request: Request) -> Response:
        data = SupplierInvoiceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        invoice = supplier_invoice_create(
            contract=access_payable_source(request.user, values["contract_id"]),
            by=request.user,
            vat_invoice_number=values["vat_invoice_number"],
            issued_on=values["issued_on"],
            due_on=values.get("due_on"),
            gross_amount=values["gross_amount"],
            tax_amount=values["tax_amount"],
        )
        return Response(SupplierInvoiceSerializer(invoice).data, status=201)


class PaymentAllocationSerializer(serializers.Serializer):
    invoice = serializers.IntegerField(source="invoice_id")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ref_name = "PaymentAllocation"


class SupplierPaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    supplier = serializers.IntegerField(source="supplier_id")
    paid_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    method = serializers.ChoiceField(choices=SupplierPayment.Method.choices, default="bank")
    bank_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    allocations = PaymentAllocationSerializer(many=True, required=False, default=list)

    class Meta:
        ref_name = "SupplierPayment"


class SupplierPaymentListApi(APIView):
    filterset_class = SupplierPaymentFilter

    @extend_schema(responses={200: paginated_schema(SupplierPaymentSerializer, "SupplierPayment")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "ledger.view_supplierpayment")
        payments = filtered(
            request,
            self.filterset_class,
            supplier_payment_visible_to(request.user).prefetch_related("allocations"),
        )
        return paginate(
            request, payments.order_by("-paid_on", "-id"), SupplierPaymentSerializer, self
        )

    @extend_schema(request=SupplierPaymentSerializer, responses={201: SupplierPaymentSerializer})
    def post(self, request: Request) -> Response:
        data = SupplierPaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        payment = supplier_payment_create(
            supplier=access_customer(request.user, values["supplier_id"]),
            by=request.user,
            amount=values["amount"],
            paid_on=values["paid_on"],
            method=values["method"],
            bank_reference=values.get("bank_reference", ""),
            allocations=[
                {"invoice": row["invoice_id"], "amount": row["amount"]}
                for row in values["allocations"]
            ],
        )
        return Response(SupplierPaymentSerializer(payment).data, status=201)
