"""/api/v1/materials/… (issue 17): the catalog, the locations, stock on hand, receipts, and
material issues with their review and returns. Quantities and amounts are decimal strings;
references are ids; a record the caller may not see is a 404."""

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.core.access import require_perm
from backoffice.core.api import filtered, paginate, paginated_schema
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import round_amount
from backoffice.core.versions import detail_response
from backoffice.materials import services
from backoffice.materials.filters import (
    IssueFilter,
    ItemFilter,
    LocationFilter,
    ReceiptFilter,
    StockFilter,
    StocktakeFilter,
    TransferFilter,
)
from backoffice.materials.models import IssueRequest, Location, MaterialItem
from backoffice.materials.selectors import (
    access_issue,
    access_receipt,
    access_stocktake,
    issue_list,
    location_visible_to,
    receipt_visible_to,
    stock_visible_to,
    stocktake_visible_to,
    transfer_visible_to,
)
from backoffice.parties.selectors import access_customer
from backoffice.reviews.apis import DocumentReviewApi, DocumentSubmitApi

QUANTITY = {"max_digits": 16, "decimal_places": 3}
AMOUNT = {"max_digits": 16, "decimal_places": 2}
PRICE = {"max_digits": 18, "decimal_places": 6}


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=MaterialItem.Kind.choices)
    specification = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    unit = serializers.CharField(max_length=20, required=False, default="个")
    is_batch_tracked = serializers.BooleanField(required=False, default=False)
    reorder_level = serializers.DecimalField(required=False, default="0", **QUANTITY)
    is_active = serializers.BooleanField(required=False, default=True)
    stock_quantity = serializers.DecimalField(read_only=True, **QUANTITY)
    unit_cost = serializers.DecimalField(read_only=True, **PRICE)
    stock_value = serializers.DecimalField(read_only=True, **AMOUNT)

    class Meta:
        ref_name = "MaterialItem"


class ItemListApi(APIView):
    """GET the catalog (`?q=` code, name or pinyin; `?code=`; `?kind=`); POST an item."""

    filterset_class = ItemFilter

    @extend_schema(responses={200: paginated_schema(ItemSerializer, "MaterialItem")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "materials.view_materialitem")
        items = filtered(request, self.filterset_class, MaterialItem.objects.order_by("code"))
        return paginate(request, items, ItemSerializer, self)

    @extend_schema(request=ItemSerializer, responses={201: ItemSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "materials.add_materialitem")
        data = ItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_save(by=request.user, **data.validated_data)
        return Response(ItemSerializer(item).data, status=201)


class ItemDetailApi(APIView):
    @extend_schema(responses={200: ItemSerializer})
    def get(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "materials.view_materialitem")
        return detail_response(_found(MaterialItem, pk), ItemSerializer)


class LocationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    holder = serializers.IntegerField(source="holder_id", allow_null=True)
    region = serializers.IntegerField(source="region_id", allow_null=True)
    is_active = serializers.BooleanField()
    counting = serializers.SerializerMethodField()

    class Meta:
        ref_name = "StockLocation"

    def get_counting(self, location: Location) -> bool:
        return location.counting_since is not None


class LocationListApi(APIView):
    """GET the locations whose stock the caller sees: the warehouse, the office, own bag."""

    filterset_class = LocationFilter

    @extend_schema(responses={200: paginated_schema(LocationSerializer, "StockLocation")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "materials.view_location")
        locations = filtered(
            request,
            self.filterset_class,
            location_visible_to(request.user).order_by("kind", "code"),
        )
        return paginate(request, locations, LocationSerializer, self)


class StockSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    location = serializers.IntegerField(source="location_id")
    batch = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    quantity = serializers.DecimalField(**QUANTITY)
    value = serializers.SerializerMethodField()

    class Meta:
        ref_name = "StockOnHand"

    @extend_schema_field(serializers.DecimalField(**AMOUNT))
    def get_value(self, balance) -> str:
        return str(round_amount(balance.quantity * balance.item.unit_cost))


class StockListApi(APIView):
    """GET stock on hand, per item × location × batch (`?item=&location=`), valued at the
    item's moving average."""

    filterset_class = StockFilter

    @extend_schema(responses={200: paginated_schema(StockSerializer, "StockOnHand")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "materials.view_stockbalance")
        rows = filtered(
            request,
            self.filterset_class,
            stock_visible_to(request.user)
            .select_related("item")
            .order_by("item_id", "location_id", "expires_on", "batch", "pk"),
        )
        if "empty" not in request.query_params:
            rows = rows.filter(quantity__gt=0)
        return paginate(request, rows, StockSerializer, self)


def _found(model: Any, pk: Any, field: str | None = None) -> Any:
    """A record by id; unknown: a 404, or with `field` a 400 naming it."""
    from backoffice.core.access import access_object

    if field is None:
        return access_object(model.objects.all(), pk)
    found = model.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise ValidationFailed(extra={"fields": {field: [_("not found")]}})
    return found


def _items_of(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines with their item ids read as items (an unknown id stays, for the line's
    error)."""
    ids = {line["item"] for line in lines if isinstance(line.get("item"), int)}
    items = MaterialItem.objects.in_bulk(ids)
    return [{**line, "item": items.get(line["item"], line["item"])} for line in lines]


def _location(request: Request, pk: int, field: str = "location") -> Location:
    location = location_visible_to(request.user).filter(pk=pk).first()
    if location is None:
        raise ValidationFailed(extra={"fields": {field: [_("not found")]}})
    return location


class ReceiptLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    item = serializers.IntegerField(source="item_id")
    quantity = serializers.DecimalField(**QUANTITY)
    unit_cost = serializers.DecimalField(**PRICE)
    value = serializers.DecimalField(read_only=True, **AMOUNT)
    batch = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)

    class Meta:
        ref_name = "StockReceiptLine"


class ReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    location = serializers.IntegerField(source="location_id")
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    supplier = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    total_value = serializers.DecimalField(read_only=True, **AMOUNT)
    lines = ReceiptLineSerializer(many=True)

    class Meta:
        ref_name = "StockReceipt"


class StockReceiptListApi(APIView):
    """GET the receipts (`?location=&received_from=&received_to=`); POST one, posted at once
    into stock."""

    filterset_class = ReceiptFilter

    @extend_schema(responses={200: paginated_schema(ReceiptSerializer, "StockReceipt")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "materials.view_stockreceipt")
        receipts = filtered(
            request,
            self.filterset_class,
            receipt_visible_to(request.user)
            .prefetch_related("lines")
            .order_by("-received_on", "-id"),
        )
        return paginate(request, receipts, ReceiptSerializer, self)

    @extend_schema(request=ReceiptSerializer, responses={201: ReceiptSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "materials.add_stockreceipt")
        data = ReceiptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lines = [
            {**line, "item": line.pop("item_id")} for line in (dict(x) for x in values["lines"])
        ]
        receipt = services.receipt_create(
            by=request.user,
            location=_location(request, values["location_id"]),
            received_on=values["received_on"],
            supplier=values["supplier"],
            note=values["note"],
            lines=_items_of(lines),
        )
        return Response(ReceiptSerializer(receipt).data, status=201)


class StockReceiptDetailApi(APIView):
    @extend_schema(responses={200: ReceiptSerializer})
    def get(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "materials.view_stockreceipt")
        return detail_response(access_receipt(request.user, pk), ReceiptSerializer)


class TransferLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    item = serializers.IntegerField(source="item_id")
    quantity = serializers.DecimalField(**QUANTITY)
    value = serializers.DecimalField(read_only=True, **AMOUNT)

    class Meta:
        ref_name = "StockTransferLine"


class TransferSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    from_location = serializers.IntegerField(source="from_location_id")
    to_location = serializers.IntegerField(source="to_location_id")
    moved_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    total_value = serializers.DecimalField(read_only=True, **AMOUNT)
    lines = TransferLineSerializer(many=True)

    class Meta:
        ref_name = "StockTransfer"


class StockTransferListApi(APIView):
    """GET the transfers from or to a location the caller sees (`?from_location=`,
    `?to_location=`, `?moved_from=&moved_to=`); POST one, posted at once."""

    filterset_class = TransferFilter

    @extend_schema(responses={200: paginated_schema(TransferSerializer, "StockTransfer")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "materials.view_stocktransfer")
        transfers = filtered(
            request,
            self.filterset_class,
            transfer_visible_to(request.user)
            .prefetch_related("lines")
            .order_by("-moved_on", "-id"),
        )
        return paginate(request, transfers, TransferSerializer, self)

    @extend_schema(request=TransferSerializer, responses={201: TransferSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "materials.add_stocktransfer")
        data = TransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lines = [
            {**line, "item": line.pop("item_id")} for line in (dict(x) for x in values["lines"])
        ]
        transfer = services.transfer_create(
            by=request.user,
            from_location=_location(request, values["from_location_id"], "from_location"),
            to_location=_location(request, values["to_location_id"], "to_location"),
            moved_on=values["moved_on"],
            note=values["note"],
            lines=_items_of(lines),
        )
        return Response(TransferSerializer(transfer).data, status=201)


class IssueLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    item = serializers.IntegerField(source="item_id")
    quantity = serializers.DecimalField(**QUANTITY)
    returned_quantity = serializers.DecimalField(read_only=True, **QUANTITY)
    value = serializers.DecimalField(read_only=True, **AMOUNT)

    class Meta:
        ref_name = "MaterialIssueLine"


class IssueSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    location = serializers.IntegerField(source="location_id")
    purpose = serializers.ChoiceField(choices=IssueRequest.Purpose.choices)
    customer = serializers.IntegerField(
        source="customer_id", required=False, allow_null=True, default=None
    )
    recipient = serializers.IntegerField(
        source="recipient_id", required=False, allow_null=True, default=None
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    due_back_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    owner = serializers.IntegerField(source="owner_id", read_only=True)
    total_value = serializers.DecimalField(read_only=True, **AMOUNT)
    released_at = serializers.DateTimeField(read_only=True, allow_null=True)
    lines = IssueLineSerializer(many=True)

    class Meta:
        ref_name = "MaterialIssue"


class IssueListApi(APIView):
    """GET the issues the caller may see (`?status=&purpose=&location=&customer=&overdue=`);
    POST a draft."""

    filterset_class = IssueFilter

    @extend_schema(responses={200: paginated_schema(IssueSerializer, "MaterialIssue")})
    def get(self, request: Request) -> Response:
        issues = filtered(request, self.filterset_class, issue_list(by=request.user))
        return paginate(request, issues, IssueSerializer, self)

    @extend_schema(request=IssueSerializer, responses={201: IssueSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "materials.add_issuerequest")
        data = IssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = request.user
        recipient = None
        if values["recipient_id"] is not None:
            recipient = get_user_model().objects.filter(pk=values["recipient_id"]).first()
            if recipient is None:
                raise ValidationFailed(extra={"fields": {"recipient": [_("not found")]}})
        lines = [
            {**line, "item": line.pop("item_id")} for line in (dict(x) for x in values["lines"])
        ]
        issue = services.issue_create(
            by=user,
            location=_location(request, values["location_id"]),
            purpose=values["purpose"],
            customer=(
                access_customer(user, values["customer_id"])
                if values["customer_id"] is not None
                else None
            ),
            recipient=recipient,
            reference=values["reference"],
            due_back_on=values["due_back_on"],
            note=values["note"],
            lines=_items_of(lines),
        )
        return Response(IssueSerializer(issue).data, status=201)


class IssueDetailApi(APIView):
    @extend_schema(responses={200: IssueSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_issue(request.user, pk), IssueSerializer)


class IssueSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_issue)

    def submit(self, obj, by) -> None:
        services.issue_submit(issue=obj, by=by)


class IssueReviewApi(DocumentReviewApi):
    access = staticmethod(access_issue)


class ReturnLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    quantity = serializers.DecimalField(**QUANTITY)

    class Meta:
        ref_name = "MaterialReturnLine"


class ReturnInputSerializer(serializers.Serializer):
    lines = ReturnLineSerializer(many=True)
    returned_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        ref_name = "MaterialReturnInput"


class IssueReturnApi(APIView):
    """POST {"lines": [{"line": id, "quantity": "2"}]}: what came back of a released issue."""

    @extend_schema(request=ReturnInputSerializer, responses={200: IssueSerializer})
    def post(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "materials.receive_return")
        issue = access_issue(request.user, pk)
        data = ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        issue = services.issue_return(
            issue=issue,
            by=request.user,
            lines=[dict(line) for line in values["lines"]],
            returned_on=values["returned_on"],
            note=values["note"],
        )
        return Response(IssueSerializer(issue).data)


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        ref_name = "MaterialIssueCancelInput"


class IssueCancelApi(APIView):
    """POST {reason}: a draft is cancelled (a released issue is undone by its return)."""

    @extend_schema(request=CancelInputSerializer, responses={200: IssueSerializer})
    def post(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "materials.change_issuerequest")
        issue = access_issue(request.user, pk)
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue = services.issue_cancel(
            issue=issue, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(IssueSerializer(issue).data)


class StocktakeLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    batch = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    expected = serializers.DecimalField(**QUANTITY)
    counted = serializers.DecimalField(allow_null=True, **QUANTITY)
    variance = serializers.DecimalField(allow_null=True, **QUANTITY)
    value = serializers.DecimalField(**AMOUNT)

    class Meta:
        ref_name = "StocktakeLine"


class StocktakeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    location = serializers.IntegerField(source="location_id")
    status = serializers.CharField(read_only=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    variance_value = serializers.DecimalField(read_only=True, **AMOUNT)
    approved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    lines = StocktakeLineSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "Stocktake"


class StocktakeListApi(APIView):
    """GET the stocktakes of the locations the caller sees (`?status=&location=`); POST
    {"location": id} starts one (the location is locked until approved or cancelled)."""

    filterset_class = StocktakeFilter

    @extend_schema(responses={200: paginated_schema(StocktakeSerializer, "Stocktake")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "materials.view_stocktake")
        stocktakes = filtered(
            request,
            self.filterset_class,
            stocktake_visible_to(request.user)
            .prefetch_related("lines")
            .order_by("-created_at", "-id"),
        )
        return paginate(request, stocktakes, StocktakeSerializer, self)

    @extend_schema(request=StocktakeSerializer, responses={201: StocktakeSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "materials.add_stocktake")
        data = StocktakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        stocktake = services.stocktake_start(
            by=request.user,
            location=_location(request, values["location_id"]),
            note=values["note"],
        )
        return Response(StocktakeSerializer(stocktake).data, status=201)


class StocktakeDetailApi(APIView):
    @extend_schema(responses={200: StocktakeSerializer})
    def get(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "materials.view_stocktake")
        return detail_response(access_stocktake(request.user, pk), StocktakeSerializer)


class CountSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    batch = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    counted = serializers.DecimalField(**QUANTITY)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)

    class Meta:
        ref_name = "StocktakeCount"


class StocktakeCountsApi(APIView):
    """PUT [{"item": id, "batch": "", "counted": "7"}]: counts (a batch found that was not
    expected adds a line, with its `expires_on`)."""

    @extend_schema(request=CountSerializer(many=True), responses={200: StocktakeSerializer})
    def put(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "materials.change_stocktake")
        stocktake = access_stocktake(request.user, pk)
        data = CountSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        stocktake = services.stocktake_count(
            stocktake=stocktake,
            by=request.user,
            counts=_items_of([dict(row) for row in data.validated_data]),
        )
        return Response(StocktakeSerializer(stocktake).data)


class StocktakeSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_stocktake)

    def submit(self, obj, by) -> None:
        services.stocktake_submit(stocktake=obj, by=by)


class StocktakeReviewApi(DocumentReviewApi):
    access = staticmethod(access_stocktake)
