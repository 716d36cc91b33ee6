"""/api/v1/contracts/… (DOMAIN §3): contracts with their lines and milestones, the review
steps, signing with the scan, termination; templates. Amounts are decimal strings; a contract
the caller may not see is a 404. (Supplier invoices and payments: /api/v1/ledger/.)"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.contracts import services
from backoffice.contracts.exceptions import ScanRequired
from backoffice.contracts.filters import (
    ContractFilter,
    TemplateFilter,
)
from backoffice.contracts.models import (
    Contract,
    ContractMilestone,
    ContractTemplate,
)
from backoffice.contracts.selectors import access_contract, contract_list
from backoffice.core.access import require_perm
from backoffice.core.api import filtered, paginate, paginated_schema
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.inputs import DepthLimitedJSONParser
from backoffice.core.versions import detail_response
from backoffice.parties.selectors import access_customer
from backoffice.reviews.apis import (
    DocumentReviewApi,
    DocumentSubmitApi,
    ReversalRequestOutputSerializer,
    reversal_response,
)


class ContractLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    line_no = serializers.IntegerField(read_only=True)
    product = serializers.IntegerField(source="product_id", required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    quantity = serializers.DecimalField(
        max_digits=16, decimal_places=3, required=False, allow_null=True
    )
    unit_price = serializers.DecimalField(
        max_digits=18, decimal_places=6, required=False, allow_null=True
    )
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True
    )

    class Meta:
        ref_name = "ContractLine"


class MilestoneSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContractMilestone.Kind.choices)
    due_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)

    class Meta:
        ref_name = "ContractMilestone"


class ContractOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    counterparty = serializers.IntegerField(source="counterparty_id")
    owner = serializers.IntegerField(source="owner_id")
    region = serializers.IntegerField(source="region_id")
    template = serializers.IntegerField(source="template_id", allow_null=True)
    status = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    signed_on = serializers.DateField(allow_null=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    payment_terms = serializers.CharField()
    delivery_terms = serializers.CharField()
    body = serializers.CharField()
    note = serializers.CharField()
    ended_on = serializers.DateField(allow_null=True)
    ended_reason = serializers.CharField()
    lines = ContractLineSerializer(many=True)
    milestones = MilestoneSerializer(many=True)

    class Meta:
        ref_name = "Contract"


class ContractInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Contract.Kind.choices)
    title = serializers.CharField(max_length=200)
    counterparty = serializers.IntegerField()
    template = serializers.IntegerField(required=False, allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True
    )
    payment_terms = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    delivery_terms = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    lines = ContractLineSerializer(many=True, required=False, default=list, max_length=2000)
    milestones = MilestoneSerializer(many=True, required=False, default=list, max_length=200)

    class Meta:
        ref_name = "ContractInput"


def _line_dicts(lines) -> list[dict]:
    return [
        {
            "product": line.get("product_id"),
            "description": line.get("description", ""),
            "quantity": line.get("quantity"),
            "unit_price": line.get("unit_price"),
            "amount": line.get("amount"),
        }
        for line in lines
    ]


class ContractListApi(APIView):
    filterset_class = ContractFilter

    @extend_schema(responses={200: paginated_schema(ContractOutputSerializer, "Contract")})
    def get(self, request: Request) -> Response:
        contracts = filtered(request, self.filterset_class, contract_list(by=request.user))
        return paginate(
            request,
            contracts.prefetch_related("lines", "milestones"),
            ContractOutputSerializer,
            self,
        )

    @extend_schema(request=ContractInputSerializer, responses={201: ContractOutputSerializer})
    def post(self, request: Request) -> Response:
        data = ContractInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        template = None
        if values.get("template"):
            template = ContractTemplate.objects.filter(pk=values["template"]).first()
            if template is None:
                raise ValidationFailed(extra={"fields": {"template": [_("unknown template")]}})
        contract = services.contract_create(
            kind=values["kind"],
            counterparty=access_customer(request.user, values["counterparty"]),
            by=request.user,
            title=values["title"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            lines=_line_dicts(values["lines"]),
            milestones=[dict(m) for m in values["milestones"]],
            amount=values.get("amount"),
            template=template,
            payment_terms=values.get("payment_terms"),
            delivery_terms=values.get("delivery_terms"),
            note=values["note"],
        )
        return Response(ContractOutputSerializer(contract).data, status=201)


class ContractDetailApi(APIView):
    @extend_schema(responses={200: ContractOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_contract(request.user, pk), ContractOutputSerializer)


class ContractSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_contract)

    def submit(self, obj, by) -> None:
        services.contract_submit(contract=obj, by=by)


class ContractReviewApi(DocumentReviewApi):
    access = staticmethod(access_contract)


class SignInputSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    scan = serializers.FileField()

    class Meta:
        ref_name = "ContractSignInput"


class ContractSignApi(APIView):
    """POST multipart {signed_on, scan}: the signature is recorded with the scan attached."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": SignInputSerializer},
        responses={200: ContractOutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        contract = access_contract(request.user, pk)
        scan = request.FILES.get("scan")
        data = SignInputSerializer(data={"signed_on": request.data.get("signed_on"), "scan": scan})
        if scan is None:
            raise ScanRequired(extra={"fields": {"scan": [_("required")]}})
        data.is_valid(raise_exception=True)
        contract = services.contract_sign(
            contract=contract,
            by=request.user,
            signed_on=data.validated_data["signed_on"],
            scan=scan,
        )
        return Response(ContractOutputSerializer(contract).data)


class EndInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    ended_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        ref_name = "ContractEndInput"


class ContractEndApi(APIView):
    """POST …/terminate/ {reason, ended_on} or …/cancel/ {reason}."""

    cancel = False
    parser_classes = [DepthLimitedJSONParser, FormParser]

    @extend_schema(
        request=EndInputSerializer,
        responses={200: ContractOutputSerializer, 202: ReversalRequestOutputSerializer},
        description=(
            "A draft is cancelled at once (200). Cancelling an approved contract, or"
            " terminating one in force, is asked for (202): it takes effect once reviewed"
            " with the contract's levels, never by the asker."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        contract = access_contract(request.user, pk)
        data = EndInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if self.cancel and contract.status == Contract.Status.DRAFT:
            contract = services.contract_cancel(
                contract=contract, by=request.user, reason=values["reason"]
            )
            return Response(ContractOutputSerializer(contract).data)
        if self.cancel:
            asked = services.contract_cancel_request(
                contract=contract, by=request.user, reason=values["reason"]
            )
        else:
            asked = services.contract_terminate(
                contract=contract,
                by=request.user,
                reason=values["reason"],
                ended_on=values.get("ended_on"),
            )
        return reversal_response(asked)


class TemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    body = serializers.CharField()
    payment_terms = serializers.CharField()
    delivery_terms = serializers.CharField()
    is_active = serializers.BooleanField()

    class Meta:
        ref_name = "ContractTemplate"


class TemplateListApi(APIView):
    filterset_class = TemplateFilter

    @extend_schema(responses={200: paginated_schema(TemplateSerializer, "ContractTemplate")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "contracts.view_contracttemplate")
        templates = filtered(request, self.filterset_class, ContractTemplate.objects.all())
        return paginate(request, templates, TemplateSerializer, self)
