"""/api/v1/sales/orders/… (DOMAIN §4). Amounts are decimal strings; a customer or order the
caller may not see is a 404."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.core.access import require_perm
from backoffice.core.api import paginate, paginated_schema
from backoffice.core.exceptions import ValidationFailed
from backoffice.parties.selectors import access_customer
from backoffice.reviews.apis import DocumentReviewApi, DocumentSubmitApi
from backoffice.sales import services
from backoffice.sales.selectors import access_order, order_list


class OrderLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    line_no = serializers.IntegerField()
    product = serializers.IntegerField(source="product_id")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=6)
    vat_rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    is_gift = serializers.BooleanField()
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
    contract = serializers.SerializerMethodField()
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

    def get_contract(self, order) -> int | None:
        return None  # contracts arrive with the contracts app


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
    @extend_schema(
        parameters=[
            OpenApiParameter("customer", str, description="customer id or code"),
            OpenApiParameter("status", str),
            OpenApiParameter("q", str, description="order number"),
        ],
        responses={200: paginated_schema(OrderOutputSerializer, "Order")},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        orders = order_list(
            by=request.user,
            customer=params.get("customer", ""),
            status=params.get("status", ""),
            q=params.get("q", ""),
        ).prefetch_related("lines")
        return paginate(request, orders, OrderOutputSerializer, self)

    @extend_schema(request=OrderInputSerializer, responses={201: OrderOutputSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "sales.add_salesorder")
        data = OrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values.get("contract"):
            raise ValidationFailed(
                extra={"fields": {"contract": [_("contracts are not available yet")]}}
            )
        customer = access_customer(request.user, values["customer"])
        order = services.order_create(
            customer=customer,
            by=request.user,
            lines=[dict(line) for line in values["lines"]],
            ordered_on=values.get("ordered_on"),
            note=values["note"],
        )
        return Response(OrderOutputSerializer(order).data, status=201)


class OrderDetailApi(APIView):
    @extend_schema(responses={200: OrderOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(OrderOutputSerializer(access_order(request.user, pk)).data)


class OrderSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_order)

    def submit(self, obj, by) -> None:
        require_perm(by, "sales.change_salesorder")
        services.order_submit(order=obj, by=by)


class OrderReviewApi(DocumentReviewApi):
    access = staticmethod(access_order)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    class Meta:
        ref_name = "Reason"


class OrderCancelApi(APIView):
    @extend_schema(request=ReasonInputSerializer, responses={200: OrderOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        order = access_order(request.user, pk)
        require_perm(request.user, "sales.change_salesorder")
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_cancel(order=order, by=request.user, reason=data.validated_data["reason"])
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
