"""/api/v1/mail/… (issue 17 §9–11): carriers with their rating, the mail and express
register, and carriers' monthly bills (multipart upload; GET shows the matching; settle).
Amounts are decimal strings; references are ids; a record the caller may not see is a 404."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.core.access import access_object, require_perm
from backoffice.core.api import filtered, paginate, paginated_schema
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.filters import MAX_ID
from backoffice.core.versions import detail_response
from backoffice.office import services
from backoffice.office.filters import BillFilter, CarrierFilter, MailFilter
from backoffice.office.models import Carrier, CarrierBill, MailItem
from backoffice.office.selectors import (
    access_mail,
    bill_missing,
    bill_summary,
    carrier_monthly_cost,
    carrier_ratings,
    mail_visible_to,
    on_time_rate,
)
from backoffice.parties.selectors import access_customer

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class CarrierSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    status = serializers.ChoiceField(choices=Carrier.Status.choices, default="candidate")
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    price_notes = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    rating = serializers.SerializerMethodField()

    class Meta:
        ref_name = "Carrier"

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "shipments": {"type": "integer"},
                "on_time_rate": {"type": "string", "nullable": True},
                "lost_or_damaged": {"type": "integer"},
                "average_cost": {"type": "string", "nullable": True},
            },
        }
    )
    def get_rating(self, carrier: Carrier) -> dict[str, Any]:
        if not hasattr(carrier, "shipments"):
            carrier = carrier_ratings(Carrier.objects.filter(pk=carrier.pk)).get()
        rate = on_time_rate(carrier)
        average = carrier.average_cost
        return {
            "shipments": carrier.shipments,
            "on_time_rate": None if rate is None else str(rate),
            "lost_or_damaged": carrier.lost_or_damaged,
            "average_cost": None if average is None else f"{average:.2f}",
        }


class CarrierListApi(APIView):
    """GET the carriers with their rating (`?status=approved`); POST a carrier."""

    filterset_class = CarrierFilter

    @extend_schema(responses={200: paginated_schema(CarrierSerializer, "Carrier")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "office.view_carrier")
        carriers = filtered(request, self.filterset_class, Carrier.objects.order_by("code"))
        return paginate(request, carrier_ratings(carriers), CarrierSerializer, self)

    @extend_schema(request=CarrierSerializer, responses={201: CarrierSerializer})
    def post(self, request: Request) -> Response:
        data = CarrierSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        carrier = services.carrier_save(by=request.user, **data.validated_data)
        return Response(CarrierSerializer(carrier).data, status=201)


class CarrierDetailApi(APIView):
    """GET a carrier with its rating and cost by month; PATCH it (its status, say)."""

    @extend_schema(responses={200: CarrierSerializer})
    def get(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "office.view_carrier")
        carrier = access_object(carrier_ratings(Carrier.objects.all()), pk)
        response = detail_response(carrier, CarrierSerializer)
        response.data["months"] = [
            {**row, "cost": str(row["cost"]), "average": str(row["average"])}
            for row in carrier_monthly_cost(carrier)
        ]
        return response

    @extend_schema(request=CarrierSerializer, responses={200: CarrierSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        carrier = access_object(Carrier.objects.all(), pk)
        data = CarrierSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        carrier = services.carrier_save(by=request.user, carrier=carrier, **data.validated_data)
        return detail_response(carrier, CarrierSerializer)


class MailItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    direction = serializers.ChoiceField(choices=MailItem.Direction.choices, default="out")
    kind = serializers.ChoiceField(choices=MailItem.Kind.choices)
    customer = serializers.IntegerField(
        source="customer_id", allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )
    counterparty = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    carrier = serializers.IntegerField(
        source="carrier_id", allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )
    tracking_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    shipped_on = serializers.DateField(required=False)
    promised_on = serializers.DateField(required=False, allow_null=True, default=None)
    delivered_on = serializers.DateField(read_only=True, allow_null=True)
    cost = serializers.DecimalField(required=False, default="0", **AMOUNT)
    fee = serializers.DecimalField(read_only=True, allow_null=True, **AMOUNT)
    status = serializers.CharField(read_only=True)
    handler = serializers.IntegerField(source="handler_id", read_only=True)
    related_type = serializers.ChoiceField(
        choices=list(services.mail.RELATED), required=False, write_only=True
    )
    related_id = serializers.IntegerField(
        required=False, write_only=True, min_value=1, max_value=MAX_ID
    )
    related = serializers.SerializerMethodField()
    bill = serializers.IntegerField(source="bill_id", read_only=True, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        ref_name = "MailItem"

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "type": {"type": "string"},
                "id": {"type": "integer"},
                "number": {"type": "string"},
            },
        }
    )
    def get_related(self, item: MailItem) -> dict[str, Any] | None:
        if not item.source_model:
            return None
        return {"type": item.source_model, "id": item.source_id, "number": item.source_number}


def _mail_arguments(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    """The serializer's values as the services take them: records for ids."""
    arguments = dict(values)
    if "customer_id" in arguments:
        pk = arguments.pop("customer_id")
        arguments["customer"] = access_customer(request.user, pk) if pk else None
    if "carrier_id" in arguments:
        pk = arguments.pop("carrier_id")
        carrier = Carrier.objects.filter(pk=pk).first() if pk else None
        if pk and carrier is None:
            raise ValidationFailed(extra={"fields": {"carrier": [_("not found")]}})
        arguments["carrier"] = carrier
    kind, pk = arguments.pop("related_type", None), arguments.pop("related_id", None)
    if kind or pk:
        arguments["source"] = services.related_document(request.user, kind or "", pk or "")
    return arguments


class MailItemListApi(APIView):
    """GET the register (`?q=`, `?direction=`, `?kind=`, `?status=`, `?carrier=`,
    `?customer=`, `?overdue=true`, `?shipped_from=&shipped_to=`); POST an entry."""

    filterset_class = MailFilter

    @extend_schema(responses={200: paginated_schema(MailItemSerializer, "MailItem")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "office.view_mailitem")
        items = filtered(
            request,
            self.filterset_class,
            mail_visible_to(request.user).order_by("-shipped_on", "-id"),
        )
        return paginate(request, items, MailItemSerializer, self)

    @extend_schema(request=MailItemSerializer, responses={201: MailItemSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "office.add_mailitem")
        data = MailItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.mail_register(
            by=request.user, **_mail_arguments(request, data.validated_data)
        )
        return Response(MailItemSerializer(item).data, status=201)


class MailItemDetailApi(APIView):
    @extend_schema(responses={200: MailItemSerializer})
    def get(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "office.view_mailitem")
        return detail_response(access_mail(request.user, pk), MailItemSerializer)

    @extend_schema(request=MailItemSerializer, responses={200: MailItemSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        item = access_mail(request.user, pk)
        data = MailItemSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {
            k: v
            for k, v in data.validated_data.items()
            if k in request.data or k.removesuffix("_id") in request.data
        }
        item = services.mail_update(item=item, by=request.user, **_mail_arguments(request, values))
        return detail_response(item, MailItemSerializer)


class MailStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MailItem.Status.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        ref_name = "MailStatus"


class MailItemStatusApi(APIView):
    """POST {"status": "delivered", "on": "2026-11-20"}: how far the item got."""

    @extend_schema(request=MailStatusSerializer, responses={200: MailItemSerializer})
    def post(self, request: Request, pk: int) -> Response:
        item = access_mail(request.user, pk)
        data = MailStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.mail_set_status(item=item, by=request.user, **data.validated_data)
        return detail_response(item, MailItemSerializer)


class BillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    carrier = serializers.IntegerField(source="carrier_id")
    month = serializers.SerializerMethodField()
    file_name = serializers.CharField()
    tolerance = serializers.DecimalField(**AMOUNT)
    line_count = serializers.IntegerField()
    total_fee = serializers.DecimalField(**AMOUNT)
    status = serializers.CharField()
    settled_at = serializers.DateTimeField(allow_null=True)
    settled_by = serializers.IntegerField(source="settled_by_id", allow_null=True)

    class Meta:
        ref_name = "CarrierBill"

    def get_month(self, bill: CarrierBill) -> str:
        return bill.month.strftime("%Y-%m")


class BillUploadSerializer(serializers.Serializer):
    carrier = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    month = serializers.RegexField(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")
    file = serializers.FileField(help_text=".xlsx or .csv: 运单号, 日期, 重量, 费用")
    tolerance = serializers.DecimalField(required=False, allow_null=True, default=None, **AMOUNT)

    class Meta:
        ref_name = "CarrierBillUpload"


class BillListApi(APIView):
    """GET the bills (`?carrier=`, `?status=`); POST a bill (multipart): 201 when read, 200
    when the same file was uploaded already (nothing added)."""

    filterset_class = BillFilter
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: paginated_schema(BillSerializer, "CarrierBill")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "office.view_carrierbill")
        bills = filtered(
            request, self.filterset_class, CarrierBill.objects.order_by("-month", "carrier_id")
        )
        return paginate(request, bills, BillSerializer, self)

    @extend_schema(
        request=BillUploadSerializer, responses={200: BillSerializer, 201: BillSerializer}
    )
    def post(self, request: Request) -> Response:
        require_perm(request.user, "office.add_carrierbill")
        data = BillUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        carrier = Carrier.objects.filter(pk=values["carrier"]).first()
        if carrier is None:
            raise ValidationFailed(extra={"fields": {"carrier": [_("not found")]}})
        year, month = values["month"].split("-")
        upload = values["file"]
        bill, changed = services.bill_upload(
            by=request.user,
            carrier=carrier,
            month=date(int(year), int(month), 1),
            content=upload.read(),
            filename=upload.name,
            tolerance=values["tolerance"],
        )
        return Response(_bill_body(bill), status=201 if changed else 200)


def _bill_body(bill: CarrierBill, *, limit: int = 500) -> dict[str, Any]:
    """The bill, how it matched, and the lines that need a look: those not matched as
    they are (fee differs, not in the register, settled before) and the register's entries
    missing from it, the first `limit` of each."""
    summary = bill_summary(bill)
    odd = bill.lines.exclude(match="matched").order_by("line_no")[:limit]
    missing = bill_missing(bill)[:limit]
    return {
        **BillSerializer(bill).data,
        "matches": {
            key: {"lines": value["lines"], "fee": str(value["fee"])}
            for key, value in summary["matches"].items()
        },
        "missing": {
            "entries": summary["missing"]["entries"],
            "cost": str(summary["missing"]["cost"]),
        },
        "difference": str(summary["difference"]),
        "lines": [
            {
                "line": line.line_no,
                "tracking_number": line.tracking_number,
                "date": line.shipped_on,
                "weight": str(line.weight),
                "fee": str(line.fee),
                "expected": None if line.expected is None else str(line.expected),
                "match": line.match,
                "mail_item": line.mail_item_id,
            }
            for line in odd
        ],
        "missing_entries": [
            {
                "mail_item": item.pk,
                "number": item.number,
                "tracking_number": item.tracking_number,
                "shipped_on": item.shipped_on,
                "cost": str(item.cost),
            }
            for item in missing
        ],
    }


class BillDetailApi(APIView):
    @extend_schema(responses={200: BillSerializer})
    def get(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "office.view_carrierbill")
        return Response(_bill_body(access_object(CarrierBill.objects.all(), pk)))


class BillSettleApi(APIView):
    """POST: the month settled (409 already_settled the second time)."""

    @extend_schema(request=None, responses={200: BillSerializer})
    def post(self, request: Request, pk: int) -> Response:
        bill = access_object(CarrierBill.objects.all(), pk)
        bill = services.bill_settle(bill=bill, by=request.user)
        return Response(_bill_body(bill))
