"""/api/v1/sales/orders/…, deliveries/…, invoices/… (DOMAIN §4) and history-orders/…, the
orders a history import brought in (read only).

Amounts are decimal strings; a customer, order or delivery the caller may not see is a 404.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.contracts.selectors import access_contract
from backoffice.core.access import access_object, require_perm
from backoffice.core.api import filtered, paginate, paginated_schema
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.filters import MAX_ID
from backoffice.core.versions import detail_response
from backoffice.office.models import Carrier
from backoffice.parties.selectors import access_customer
from backoffice.reviews.apis import (
    DocumentReviewApi,
    DocumentSubmitApi,
    ReversalRequestOutputSerializer,
    reversal_response,
)
from backoffice.sales import services
from backoffice.sales.filters import DeliveryFilter, HistoryOrderFilter, InvoiceFilter, OrderFilter
from backoffice.sales.models import Delivery, DeliveryExtra, Invoice, SalesOrder
from backoffice.sales.selectors import (
    access_delivery,
    access_invoice,
    access_order,
    delivery_visible_to,
    history_order_list,
    invoice_visible_to,
    order_checks,
    order_list,
)


class OrderLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    line_no = serializers.IntegerField()
    product = serializers.IntegerField(source="product_id")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=6)
    vat_rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    is_gift = serializers.BooleanField()
    contract_line = serializers.IntegerField(source="contract_line_id", allow_null=True)
    gross_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    net_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    tax_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    ordered_quantity = serializers.DecimalField(source="quantity", max_digits=16, decimal_places=3)
    delivered_quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    invoiced_quantity = serializers.DecimalField(max_digits=16, decimal_places=3)

    class Meta:
        ref_name = "OrderLine"


class OrderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    customer = serializers.IntegerField(source="customer_id")
    contract = serializers.IntegerField(source="contract_id", allow_null=True)
    owner = serializers.IntegerField(source="owner_id")
    region = serializers.IntegerField(source="region_id")
    status = serializers.CharField()
    ordered_on = serializers.DateField()
    note = serializers.CharField()
    gross_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    net_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    tax_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    block_override_reason = serializers.CharField()
    lines = OrderLineOutputSerializer(many=True)

    class Meta:
        ref_name = "Order"


class HistoryLineOutputSerializer(serializers.Serializer):
    line_no = serializers.IntegerField()
    product = serializers.IntegerField(source="product_id")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=6)
    vat_rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    gross_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    net_amount = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ref_name = "HistoryOrderLine"


class HistoryOrderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    date = serializers.DateField(source="day")
    customer = serializers.IntegerField(source="customer_id")
    owner = serializers.IntegerField(source="owner_id")
    region = serializers.IntegerField(source="region_id")
    history_import = serializers.IntegerField(source="history_import_id")
    gross_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    net_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    tax_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    lines = HistoryLineOutputSerializer(many=True)

    class Meta:
        ref_name = "HistoryOrder"


class OrderLineInputSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    unit_price = serializers.DecimalField(
        max_digits=18, decimal_places=6, required=False, allow_null=True
    )
    is_gift = serializers.BooleanField(required=False, default=False)

    class Meta:
        ref_name = "OrderLineInput"


class OrderInputSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    contract = serializers.IntegerField(required=False, allow_null=True)
    ordered_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    lines = OrderLineInputSerializer(many=True, allow_empty=False, max_length=2000)

    class Meta:
        ref_name = "OrderInput"


class OrderListApi(APIView):
    filterset_class = OrderFilter

    @extend_schema(responses={200: paginated_schema(OrderOutputSerializer, "Order")})
    def get(self, request: Request) -> Response:
        orders = filtered(request, self.filterset_class, order_list(by=request.user))
        return paginate(request, orders.prefetch_related("lines"), OrderOutputSerializer, self)

    @extend_schema(request=OrderInputSerializer, responses={201: OrderOutputSerializer})
    def post(self, request: Request) -> Response:
        data = OrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = access_customer(request.user, values["customer"])
        contract = (
            access_contract(request.user, values["contract"]) if values.get("contract") else None
        )
        order = services.order_create(
            customer=customer,
            by=request.user,
            lines=[dict(line) for line in values["lines"]],
            ordered_on=values.get("ordered_on"),
            note=values["note"],
            contract=contract,
        )
        return Response(OrderOutputSerializer(order).data, status=201)


class OrderDetailApi(APIView):
    @extend_schema(responses={200: OrderOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_order(request.user, pk), OrderOutputSerializer)


class HistoryOrderListApi(APIView):
    filterset_class = HistoryOrderFilter

    @extend_schema(responses={200: paginated_schema(HistoryOrderOutputSerializer, "HistoryOrder")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "sales.view_historyorder")
        orders = filtered(request, self.filterset_class, history_order_list(by=request.user))
        return paginate(
            request, orders.prefetch_related("lines"), HistoryOrderOutputSerializer, self
        )


class HistoryOrderDetailApi(APIView):
    @extend_schema(responses={200: HistoryOrderOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "sales.view_historyorder")
        order = access_object(history_order_list(by=request.user).prefetch_related("lines"), pk)
        return detail_response(order, HistoryOrderOutputSerializer)


class OrderSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_order)

    def submit(self, obj, by) -> None:
        services.order_submit(order=obj, by=by)


class OrderReviewApi(DocumentReviewApi):
    access = staticmethod(access_order)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    class Meta:
        ref_name = "Reason"


class OrderCancelApi(APIView):
    """A draft is cancelled at once (200); an approved order is asked for (202): it is
    cancelled once reviewed with the order's levels, never by the asker (issue 15 §20)."""

    @extend_schema(
        request=ReasonInputSerializer,
        responses={200: OrderOutputSerializer, 202: ReversalRequestOutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        order = access_order(request.user, pk)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        if order.status in SalesOrder.COMMITTED_STATUSES:
            return reversal_response(
                services.order_cancel_request(order=order, by=request.user, reason=reason)
            )
        services.order_cancel(order=order, by=request.user, reason=reason)
        order.refresh_from_db()
        return Response(OrderOutputSerializer(order).data)


class OrderOverrideApi(APIView):
    """A sales manager lets the order through the credit and qualification checks."""

    @extend_schema(request=ReasonInputSerializer, responses={200: OrderOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        order = access_order(request.user, pk)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_override_block(
            order=order, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(OrderOutputSerializer(order).data)


class OrderChecksApi(APIView):
    """What the audit would say of the order now: the trade block's reasons (papers, status,
    lines outside the licensed business scope) and the credit limit, for a warning before
    submission. `refused`: the audit refuses it unless a sales manager overrides."""

    class OutputSerializer(serializers.Serializer):
        refused = serializers.BooleanField()
        enforced = serializers.BooleanField()
        overridden = serializers.BooleanField()
        reasons = serializers.ListField(child=serializers.DictField())
        over_credit = serializers.BooleanField()
        credit_limit = serializers.DecimalField(max_digits=16, decimal_places=2)
        exposure = serializers.DecimalField(max_digits=16, decimal_places=2)
        order_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
        messages = serializers.ListField(child=serializers.CharField())

        class Meta:
            ref_name = "OrderChecks"

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        checks = order_checks(access_order(request.user, pk))
        data = {
            "refused": checks.refused,
            "enforced": checks.enforced,
            "overridden": bool(checks.override_reason),
            "reasons": [{"code": r.code, "message": r.message} for r in checks.reasons],
            "over_credit": checks.over_credit,
            "credit_limit": checks.credit_limit,
            "exposure": checks.exposure,
            "order_amount": checks.order_amount,
            "messages": checks.messages,
        }
        return Response(self.OutputSerializer(data).data)


class DeliveryLineInputSerializer(serializers.Serializer):
    order_line = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)

    class Meta:
        ref_name = "DeliveryLineInput"


class DeliveryExtraSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeliveryExtra.Kind.choices, default="sample")
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3, min_value=Decimal("0.001"))
    item = serializers.IntegerField(
        source="item_id",
        required=False,
        allow_null=True,
        default=None,
        help_text="a material item drawn from stock at the release (with its location)",
    )
    location = serializers.IntegerField(
        source="location_id", required=False, allow_null=True, default=None
    )

    class Meta:
        ref_name = "DeliveryExtra"


def _carrier_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text=help_text,
    )


class DeliveryInputSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    lines = DeliveryLineInputSerializer(many=True, allow_empty=False, max_length=5000)
    method = serializers.ChoiceField(choices=Delivery.Method.choices, default="express")
    carrier = _carrier_field("An approved carrier's id.")
    promised_on = serializers.DateField(required=False, allow_null=True)
    extras = DeliveryExtraSerializer(many=True, required=False, default=list)
    address = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="One of the customer's delivery addresses; default: its default address.",
    )

    class Meta:
        ref_name = "DeliveryInput"


class DeliveryLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_line = serializers.IntegerField(source="order_line_id")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    batch_number = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    manufacturer = serializers.CharField()
    approval_number = serializers.CharField()

    class Meta:
        ref_name = "DeliveryLine"


class DeliveryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    order = serializers.IntegerField(source="order_id")
    customer = serializers.IntegerField(source="customer_id")
    status = serializers.CharField()
    method = serializers.CharField()
    carrier = serializers.IntegerField(source="carrier_id", allow_null=True)
    ship_to = serializers.IntegerField(source="ship_to_id", allow_null=True)
    ship_to_recipient = serializers.CharField()
    ship_to_phone = serializers.CharField()
    ship_to_address = serializers.CharField()
    promised_on = serializers.DateField(allow_null=True)
    tracking_number = serializers.CharField()
    signed_on = serializers.DateField(allow_null=True)
    signed_by = serializers.CharField(source="signed_by_name")
    lines = DeliveryLineOutputSerializer(many=True)
    extras = DeliveryExtraSerializer(many=True)

    class Meta:
        ref_name = "Delivery"


class DeliveryListApi(APIView):
    filterset_class = DeliveryFilter

    @extend_schema(responses={200: paginated_schema(DeliveryOutputSerializer, "Delivery")})
    def get(self, request: Request) -> Response:
        deliveries = filtered(
            request,
            self.filterset_class,
            delivery_visible_to(request.user).prefetch_related("lines", "extras"),
        )
        return paginate(
            request, deliveries.order_by("-created_at", "-id"), DeliveryOutputSerializer, self
        )

    @extend_schema(request=DeliveryInputSerializer, responses={201: DeliveryOutputSerializer})
    def post(self, request: Request) -> Response:
        data = DeliveryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        delivery = services.delivery_create(
            order=access_order(request.user, values["order"]),
            by=request.user,
            lines=[dict(line) for line in values["lines"]],
            method=values["method"],
            carrier=_carrier(values["carrier"]),
            promised_on=values.get("promised_on"),
            extras=_stock_extras(values["extras"]),
            address=values.get("address"),
        )
        return Response(DeliveryOutputSerializer(delivery).data, status=201)


def _carrier(pk: int | None) -> Carrier | None:
    if pk is None:
        return None
    carrier = Carrier.objects.filter(pk=pk).first()
    if carrier is None:
        raise ValidationFailed(extra={"fields": {"carrier": [_("not found")]}})
    return carrier


def _stock_extras(extras: list) -> list[dict]:
    """The extras with their item and location ids read as records (an unknown id is left
    for the service to name under its line)."""
    from backoffice.materials.models import Location, MaterialItem

    rows = [dict(extra) for extra in extras]
    items = MaterialItem.objects.in_bulk({r["item_id"] for r in rows if r["item_id"]})
    locations = Location.objects.in_bulk({r["location_id"] for r in rows if r["location_id"]})
    return [
        {
            **{k: v for k, v in r.items() if k not in ("item_id", "location_id")},
            "item": items.get(r["item_id"], r["item_id"]),
            "location": locations.get(r["location_id"], r["location_id"]),
        }
        for r in rows
    ]


class DeliveryDetailApi(APIView):
    @extend_schema(responses={200: DeliveryOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_delivery(request.user, pk), DeliveryOutputSerializer)


class DeliverySubmitApi(DocumentSubmitApi):
    access = staticmethod(access_delivery)

    def submit(self, obj, by) -> None:
        services.delivery_submit(delivery=obj, by=by)


class DeliveryReviewApi(DocumentReviewApi):
    access = staticmethod(access_delivery)


class DeliveryBatchInputSerializer(serializers.Serializer):
    delivery_line = serializers.IntegerField()
    batch_number = serializers.CharField(max_length=64)
    expires_on = serializers.DateField()
    manufacturer = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    approval_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=64
    )

    class Meta:
        ref_name = "DeliveryBatchInput"


class DeliveryStepInputSerializer(serializers.Serializer):
    tracking_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=64
    )
    lines = DeliveryBatchInputSerializer(
        many=True,
        required=False,
        max_length=5000,
        help_text="ship: the batch and expiry date of every line (manufacturer and approval "
        "number default to the product's)",
    )
    carrier = _carrier_field("ship: an approved carrier's id, when not the delivery's")
    signed_on = serializers.DateField(required=False)
    signed_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    class Meta:
        ref_name = "DeliveryStep"


class DeliveryStepApi(APIView):
    """POST …/ship/ {tracking_number, lines: [{delivery_line, batch_number, expires_on, …}]} |
    …/sign/ {signed_on, signed_by} | …/return/ {reason}."""

    step = ""

    @extend_schema(request=DeliveryStepInputSerializer, responses={200: DeliveryOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        delivery = access_delivery(request.user, pk)
        data = DeliveryStepInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if self.step == "ship":
            services.delivery_ship(
                delivery=delivery,
                by=request.user,
                tracking_number=values["tracking_number"],
                lines=[dict(line) for line in values.get("lines", [])],
                carrier=_carrier(values["carrier"]),
            )
        elif self.step == "sign":
            if not values.get("signed_on"):
                raise ValidationFailed(extra={"fields": {"signed_on": [_("required")]}})
            services.delivery_sign(
                delivery=delivery,
                by=request.user,
                signed_on=values["signed_on"],
                signed_by=values["signed_by"],
            )
        else:
            services.delivery_return(delivery=delivery, by=request.user, reason=values["reason"])
        delivery.refresh_from_db()
        return Response(DeliveryOutputSerializer(delivery).data)


class InvoiceLineInputSerializer(serializers.Serializer):
    order_line = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    unit_price = serializers.DecimalField(
        max_digits=18, decimal_places=6, required=False, allow_null=True
    )

    class Meta:
        ref_name = "InvoiceLineInput"


class InvoiceInputSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    orders = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        max_length=200,
        help_text="Other orders of the same customer merged into this request.",
    )
    lines = InvoiceLineInputSerializer(many=True, required=False, max_length=5000)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    invoice_type = serializers.ChoiceField(choices=Invoice.InvoiceType.choices, required=False)

    class Meta:
        ref_name = "InvoiceInput"


class InvoiceLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_line = serializers.IntegerField(source="order_line_id")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=6)
    gross_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    net_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    tax_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    price_differs = serializers.BooleanField()
    quantity_exceeds = serializers.BooleanField()

    class Meta:
        ref_name = "InvoiceLine"


class InvoiceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True)
    order = serializers.IntegerField(source="order_id")
    customer = serializers.IntegerField(source="customer_id")
    status = serializers.CharField()
    invoice_type = serializers.CharField()
    reason = serializers.CharField()
    has_differences = serializers.BooleanField()
    gross_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    net_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    tax_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    orders = serializers.SerializerMethodField()
    invoice_code = serializers.CharField(source="vat_invoice_code")
    invoice_number = serializers.CharField(source="vat_invoice_number")
    issued_on = serializers.DateField(allow_null=True)
    lines = InvoiceLineOutputSerializer(many=True)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_orders(self, invoice: Invoice) -> list[int]:
        """The orders the request covers: its own first, then any merged into it."""
        merged = {line.order_line.order_id for line in invoice.lines.all()}
        return [invoice.order_id, *sorted(merged - {invoice.order_id})]

    class Meta:
        ref_name = "Invoice"


class InvoiceListApi(APIView):
    filterset_class = InvoiceFilter

    @extend_schema(responses={200: paginated_schema(InvoiceOutputSerializer, "Invoice")})
    def get(self, request: Request) -> Response:
        invoices = filtered(
            request,
            self.filterset_class,
            invoice_visible_to(request.user).prefetch_related("lines__order_line"),
        )
        return paginate(
            request, invoices.order_by("-created_at", "-id"), InvoiceOutputSerializer, self
        )

    @extend_schema(request=InvoiceInputSerializer, responses={201: InvoiceOutputSerializer})
    def post(self, request: Request) -> Response:
        data = InvoiceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        invoice = services.invoice_request_create(
            order=access_order(request.user, values["order"]),
            orders=[access_order(request.user, pk) for pk in values["orders"]],
            by=request.user,
            lines=[dict(line) for line in values["lines"]] if values.get("lines") else None,
            reason=values["reason"],
            invoice_type=values.get("invoice_type", ""),
        )
        return Response(InvoiceOutputSerializer(invoice).data, status=201)


class InvoiceDetailApi(APIView):
    @extend_schema(responses={200: InvoiceOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_invoice(request.user, pk), InvoiceOutputSerializer)


class InvoiceSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_invoice)

    def submit(self, obj, by) -> None:
        services.invoice_submit(invoice=obj, by=by)


class InvoiceReviewApi(DocumentReviewApi):
    access = staticmethod(access_invoice)


class InvoiceIssueInputSerializer(serializers.Serializer):
    invoice_code = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=40,
        help_text="Paper invoices: 10 or 12 digits; none on a fully-digital e-invoice.",
    )
    invoice_number = serializers.CharField(max_length=40)
    issued_on = serializers.DateField()
    invoice_type = serializers.ChoiceField(choices=Invoice.InvoiceType.choices, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    lines = DeliveryLineInputSerializer(many=True, required=False)

    class Meta:
        ref_name = "InvoiceIssue"


class InvoiceIssueApi(APIView):
    """POST …/issue/ records the VAT invoice."""

    @extend_schema(request=InvoiceIssueInputSerializer, responses={200: InvoiceOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        invoice = access_invoice(request.user, pk)
        data = InvoiceIssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = services.invoice_issue(
            invoice=invoice,
            by=request.user,
            invoice_number=values["invoice_number"],
            invoice_code=values["invoice_code"],
            issued_on=values["issued_on"],
            invoice_type=values.get("invoice_type", ""),
        )
        return Response(InvoiceOutputSerializer(result).data)


class InvoiceMailInputSerializer(serializers.Serializer):
    carrier = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="An approved carrier's id."
    )
    tracking_number = serializers.CharField(max_length=64)
    promised_on = serializers.DateField(required=False, allow_null=True, default=None)
    cost = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, default="0")
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    class Meta:
        ref_name = "InvoiceMailInput"


class InvoiceMailApi(APIView):
    """POST …/mail/: the issued invoice mailed; its entry in the mail register (once)."""

    @extend_schema(request=InvoiceMailInputSerializer, responses={200: InvoiceOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        invoice = access_invoice(request.user, pk)
        data = InvoiceMailInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["carrier"] = _carrier(values["carrier"])
        result = services.invoice_mail(invoice=invoice, by=request.user, **values)
        return Response(InvoiceOutputSerializer(result).data)


class InvoiceReverseApi(APIView):
    """POST …/reverse/ asks for a red-letter invoice (202): it is issued once reviewed with
    at least the invoice's number of reviewers, never by the asker (issue 15 §20)."""

    @extend_schema(
        request=InvoiceIssueInputSerializer, responses={202: ReversalRequestOutputSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        invoice = access_invoice(request.user, pk)
        data = InvoiceIssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        asked = services.invoice_reverse_request(
            invoice=invoice,
            by=request.user,
            invoice_number=values["invoice_number"],
            invoice_code=values["invoice_code"],
            issued_on=values["issued_on"],
            reason=values["reason"],
            lines=[dict(line) for line in values["lines"]] if values.get("lines") else None,
        )
        return reversal_response(asked)
