"""/api/v1/expenses/… (DOMAIN §7): expense categories, budgets with what is committed, spent
and available, expense applications with their review, the general manager's leave beyond the
budget and cancellation. Amounts are decimal strings; references are ids; an application
the caller may not see is a 404."""

import json

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.accounts.models import Region
from backoffice.contracts.selectors import access_contract
from backoffice.core.access import require_perm, visible_rows
from backoffice.core.api import Pagination, filtered, paginate, paginated_schema
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.tabular import read_table
from backoffice.core.versions import detail_response
from backoffice.expenses import services
from backoffice.expenses.filters import (
    ApplicationFilter,
    BudgetFilter,
    CategoryFilter,
    EntryFilter,
    FloatFilter,
    SettlementFilter,
)
from backoffice.expenses.imports import budgets_import
from backoffice.expenses.models import (
    Budget,
    ExpenseApplication,
    ExpenseCategory,
    PettyCashEntry,
    PettyCashFloat,
    PettyCashSettlement,
)
from backoffice.expenses.selectors import (
    access_application,
    access_entry,
    access_float,
    access_settlement,
    access_verification,
    application_list,
    budget_figures,
    budget_visible_to,
    float_visible_to,
    settlement_totals,
)
from backoffice.parties.selectors import access_customer
from backoffice.reviews.apis import (
    DocumentReviewApi,
    DocumentSubmitApi,
    ReversalRequestOutputSerializer,
    reversal_response,
)

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    group = serializers.CharField()
    account_code = serializers.CharField()
    is_active = serializers.BooleanField()

    class Meta:
        ref_name = "ExpenseCategory"


class CategoryListApi(APIView):
    filterset_class = CategoryFilter

    @extend_schema(responses={200: paginated_schema(CategorySerializer, "ExpenseCategory")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "expenses.view_expensecategory")
        categories = filtered(request, self.filterset_class, ExpenseCategory.objects.all())
        return paginate(request, categories, CategorySerializer, self)


class BudgetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.IntegerField(source="region_id")
    category = serializers.IntegerField(source="category_id")
    period = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    budget = serializers.DecimalField(source="amount", **AMOUNT)
    committed = serializers.DecimalField(**AMOUNT)
    spent = serializers.DecimalField(**AMOUNT)
    available = serializers.DecimalField(**AMOUNT)
    note = serializers.CharField()

    class Meta:
        ref_name = "Budget"


class BudgetInputSerializer(serializers.Serializer):
    region = serializers.IntegerField()
    category = serializers.IntegerField()
    period = serializers.ChoiceField(choices=Budget.Period.choices)
    starts_on = serializers.DateField()
    amount = serializers.DecimalField(**AMOUNT)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    class Meta:
        ref_name = "BudgetInput"


def _record(model, pk: int, field: str):
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(extra={"fields": {field: [_("not found")]}})
    return found


class BudgetListApi(APIView):
    """GET the budgets the caller may see (`?region=&year=`), each with what applications
    in review or approved commit and what is available; POST one (finance)."""

    filterset_class = BudgetFilter

    @extend_schema(responses={200: paginated_schema(BudgetSerializer, "Budget")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "expenses.view_budget")
        budgets = filtered(request, self.filterset_class, budget_visible_to(request.user))
        paginator = Pagination()
        page = paginator.paginate_queryset(
            budgets.order_by("-starts_on", "region_id", "category_id", "pk"), request, view=self
        )
        rows = budget_figures(list(page))
        return paginator.get_paginated_response(BudgetSerializer(rows, many=True).data)

    @extend_schema(request=BudgetInputSerializer, responses={201: BudgetSerializer})
    def post(self, request: Request) -> Response:
        data = BudgetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        budget = services.budget_create(
            by=request.user,
            region=_record(Region, values["region"], "region"),
            category=_record(ExpenseCategory, values["category"], "category"),
            period=values["period"],
            starts_on=values["starts_on"],
            amount=values["amount"],
            note=values["note"],
        )
        (budget,) = budget_figures([budget])
        return Response(BudgetSerializer(budget).data, status=201)


class ApplicationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id")
    region = serializers.IntegerField(source="region_id")
    category = serializers.IntegerField(source="category_id")
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    contract = serializers.IntegerField(source="contract_id", allow_null=True)
    purpose = serializers.CharField()
    planned_on = serializers.DateField()
    amount = serializers.DecimalField(**AMOUNT)
    override_reason = serializers.CharField()
    override_amount = serializers.DecimalField(allow_null=True, **AMOUNT)
    approved_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "ExpenseApplication"


class ApplicationInputSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    region = serializers.IntegerField()
    customer = serializers.IntegerField(required=False, allow_null=True)
    contract = serializers.IntegerField(required=False, allow_null=True)
    purpose = serializers.CharField(max_length=4000)
    planned_on = serializers.DateField()
    amount = serializers.DecimalField(**AMOUNT)

    class Meta:
        ref_name = "ExpenseApplicationInput"


class ApplicationListApi(APIView):
    filterset_class = ApplicationFilter

    @extend_schema(
        responses={200: paginated_schema(ApplicationOutputSerializer, "ExpenseApplication")}
    )
    def get(self, request: Request) -> Response:
        applications = filtered(request, self.filterset_class, application_list(by=request.user))
        return paginate(request, applications, ApplicationOutputSerializer, self)

    @extend_schema(request=ApplicationInputSerializer, responses={201: ApplicationOutputSerializer})
    def post(self, request: Request) -> Response:
        data = ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = request.user
        application = services.application_create(
            by=user,
            region=_record(Region, values["region"], "region"),
            category=_record(ExpenseCategory, values["category"], "category"),
            customer=access_customer(user, values["customer"]) if values.get("customer") else None,
            contract=access_contract(user, values["contract"]) if values.get("contract") else None,
            purpose=values["purpose"],
            planned_on=values["planned_on"],
            amount=values["amount"],
        )
        return Response(ApplicationOutputSerializer(application).data, status=201)


class ApplicationDetailApi(APIView):
    @extend_schema(responses={200: ApplicationOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_application(request.user, pk), ApplicationOutputSerializer)


class ApplicationSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_application)

    def submit(self, obj, by) -> None:
        services.application_submit(application=obj, by=by)


class ApplicationReviewApi(DocumentReviewApi):
    access = staticmethod(access_application)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)

    class Meta:
        ref_name = "ExpenseReasonInput"


class ApplicationOverrideApi(APIView):
    """POST {reason}: a general manager lets the draft exceed its budgets, for its amount."""

    @extend_schema(request=ReasonSerializer, responses={200: ApplicationOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        application = access_application(request.user, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_override(
            application=application, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(ApplicationOutputSerializer(application).data)


class ApplicationCancelApi(APIView):
    """POST {reason}: a draft is cancelled at once (200); an approved application is asked
    to be cancelled (202), which takes effect once reviewed with its own levels."""

    @extend_schema(
        request=ReasonSerializer,
        responses={200: ApplicationOutputSerializer, 202: ReversalRequestOutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = access_application(request.user, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        if application.status == ExpenseApplication.Status.DRAFT:
            application = services.application_cancel(
                application=application, by=request.user, reason=reason
            )
            return Response(ApplicationOutputSerializer(application).data)
        asked = services.application_cancel_request(
            application=application, by=request.user, reason=reason
        )
        return reversal_response(asked)


class VerificationLineSerializer(serializers.Serializer):
    spent_on = serializers.DateField()
    description = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(**AMOUNT)
    invoice_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40
    )

    class Meta:
        ref_name = "ExpenseVerificationLine"


class VerificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    application = serializers.IntegerField(source="application_id")
    status = serializers.CharField()
    total = serializers.DecimalField(**AMOUNT)
    lines = VerificationLineSerializer(many=True)
    verified_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "ExpenseVerification"


class VerifyInputSerializer(serializers.Serializer):
    lines = serializers.JSONField(
        help_text="the lines as a JSON array of {spent_on, description, amount, invoice_number}"
    )
    scans = serializers.ListField(child=serializers.FileField(), required=False, default=list)

    class Meta:
        ref_name = "ExpenseVerifyInput"


class ApplicationVerifyApi(APIView):
    """POST multipart {lines (a JSON array), scans (files)}: what the approved application
    cost, with the receipts' scans, sent to finance's check (409 over_approved beyond the
    approved amount and its tolerance)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": VerifyInputSerializer},
        responses={201: VerificationOutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = access_application(request.user, pk)
        data = VerifyInputSerializer(
            data={"lines": request.data.get("lines"), "scans": request.FILES.getlist("scans")}
        )
        data.is_valid(raise_exception=True)
        rows = data.validated_data["lines"]
        if isinstance(rows, str):
            try:
                rows = json.loads(rows)
            except ValueError:
                raise ValidationFailed(extra={"fields": {"lines": [_("a JSON array")]}}) from None
        lines = VerificationLineSerializer(data=rows, many=True)
        if not isinstance(rows, list) or not lines.is_valid():
            errors = lines.errors if isinstance(rows, list) else [_("a JSON array")]
            raise ValidationFailed(extra={"fields": {"lines": errors}})
        verification = services.verification_submit(
            application=application,
            by=request.user,
            lines=[dict(line) for line in lines.validated_data],
            scans=data.validated_data["scans"],
        )
        return Response(VerificationOutputSerializer(verification).data, status=201)


class VerificationDetailApi(APIView):
    @extend_schema(responses={200: VerificationOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_verification(request.user, pk), VerificationOutputSerializer)


class VerificationReviewApi(DocumentReviewApi):
    access = staticmethod(access_verification)


class FloatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    holder = serializers.IntegerField(source="holder_id")
    region = serializers.IntegerField(source="region_id", allow_null=True)
    amount = serializers.DecimalField(**AMOUNT)
    cash_on_hand = serializers.DecimalField(**AMOUNT)
    source = serializers.CharField()
    status = serializers.CharField()
    issued_on = serializers.DateField()
    returned_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()

    class Meta:
        ref_name = "PettyCashFloat"


class FloatInputSerializer(serializers.Serializer):
    holder = serializers.IntegerField()
    amount = serializers.DecimalField(**AMOUNT)
    source = serializers.ChoiceField(
        choices=PettyCashFloat.Source.choices, default=PettyCashFloat.Source.BANK
    )
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    class Meta:
        ref_name = "PettyCashFloatInput"


class FloatListApi(APIView):
    """GET the floats the caller may see (`?status=&holder=&region=`); POST one (finance):
    {holder, amount, source: "1002" bank | "1001" cash, issued_on, note}."""

    filterset_class = FloatFilter

    @extend_schema(responses={200: paginated_schema(FloatSerializer, "PettyCashFloat")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "expenses.view_pettycashfloat")
        floats = filtered(request, self.filterset_class, float_visible_to(request.user))
        return paginate(request, floats.order_by("-issued_on", "-id"), FloatSerializer, self)

    @extend_schema(request=FloatInputSerializer, responses={201: FloatSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "expenses.add_pettycashfloat")  # before looking anyone up
        data = FloatInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        petty_float = services.float_issue(
            by=request.user,
            holder=_record(get_user_model(), values["holder"], "holder"),
            amount=values["amount"],
            source=values["source"],
            issued_on=values["issued_on"],
            note=values["note"],
        )
        return Response(FloatSerializer(petty_float).data, status=201)


class FloatDetailApi(APIView):
    @extend_schema(responses={200: FloatSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_float(request.user, pk), FloatSerializer)


class FloatReturnInputSerializer(serializers.Serializer):
    returned_on = serializers.DateField(required=False, allow_null=True, default=None)

    class Meta:
        ref_name = "PettyCashReturnInput"


class FloatReturnApi(APIView):
    """POST {returned_on}: the float comes back and is closed (finance), after its last
    settlement."""

    @extend_schema(request=FloatReturnInputSerializer, responses={200: FloatSerializer})
    def post(self, request: Request, pk: int) -> Response:
        petty_float = access_float(request.user, pk)
        data = FloatReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        petty_float = services.float_return(
            petty_float=petty_float,
            by=request.user,
            returned_on=data.validated_data["returned_on"],
        )
        return Response(FloatSerializer(petty_float).data)


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    float = serializers.IntegerField(source="petty_float_id")
    spent_on = serializers.DateField()
    category = serializers.IntegerField(source="category_id")
    amount = serializers.DecimalField(**AMOUNT)
    description = serializers.CharField()
    invoice_number = serializers.CharField()
    settlement = serializers.IntegerField(source="settlement_id", allow_null=True)

    class Meta:
        ref_name = "PettyCashEntry"


class EntryInputSerializer(serializers.Serializer):
    float = serializers.IntegerField()
    spent_on = serializers.DateField()
    category = serializers.IntegerField()
    amount = serializers.DecimalField(**AMOUNT)
    description = serializers.CharField(max_length=200)
    invoice_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40
    )
    scan = serializers.FileField()

    class Meta:
        ref_name = "PettyCashEntryInput"


class EntryListApi(APIView):
    """GET the entries of the floats the caller may see (`?float=&category=&date_from=
    &date_to=&settled=`); POST multipart one payment with its receipt's scan (409
    insufficient_cash beyond the cash on hand, period_locked in a month being settled)."""

    filterset_class = EntryFilter
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: paginated_schema(EntrySerializer, "PettyCashEntry")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "expenses.view_pettycashentry")
        entries = filtered(
            request, self.filterset_class, visible_rows(PettyCashEntry, request.user)
        )
        return paginate(request, entries.order_by("-spent_on", "-id"), EntrySerializer, self)

    @extend_schema(
        request={"multipart/form-data": EntryInputSerializer}, responses={201: EntrySerializer}
    )
    def post(self, request: Request) -> Response:
        require_perm(request.user, "expenses.add_pettycashentry")  # before reading the body
        data = EntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        entry = services.entry_create(
            by=request.user,
            petty_float=access_float(request.user, values["float"]),
            spent_on=values["spent_on"],
            category=_record(ExpenseCategory, values["category"], "category"),
            amount=values["amount"],
            description=values["description"],
            invoice_number=values["invoice_number"],
            scan=values["scan"],
        )
        return Response(EntrySerializer(entry).data, status=201)


class EntryDetailApi(APIView):
    """GET an entry; DELETE it while its month is not being settled (the cash is back)."""

    @extend_schema(responses={200: EntrySerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_entry(request.user, pk), EntrySerializer)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.entry_delete(entry=access_entry(request.user, pk), by=request.user)
        return Response(status=204)


class CategoryTotalSerializer(serializers.Serializer):
    category = serializers.IntegerField(source="0.pk")
    name = serializers.CharField(source="0.name")
    amount = serializers.DecimalField(source="1", **AMOUNT)

    class Meta:
        ref_name = "PettyCashCategoryTotal"


class SettlementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    float = serializers.IntegerField(source="petty_float_id")
    month = serializers.DateField()
    status = serializers.CharField()
    total = serializers.DecimalField(**AMOUNT)
    settled_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "PettyCashSettlement"


class SettlementDetailSerializer(SettlementSerializer):
    entries = EntrySerializer(many=True, source="entries.all")
    by_category = serializers.SerializerMethodField()

    class Meta:
        ref_name = "PettyCashSettlementDetail"

    @extend_schema_field(CategoryTotalSerializer(many=True))
    def get_by_category(self, settlement: PettyCashSettlement) -> list[dict]:
        return [
            {"category": category.pk, "name": category.name, "amount": str(amount)}
            for category, amount in settlement_totals(settlement)
        ]


class SettlementInputSerializer(serializers.Serializer):
    float = serializers.IntegerField()
    month = serializers.DateField(help_text="any day of the month; its first day is kept")

    class Meta:
        ref_name = "PettyCashSettlementInput"


class SettlementListApi(APIView):
    """GET the settlements the caller may see (`?float=&status=&month=`); POST {float,
    month}: the month's draft settlement, holding its entries."""

    filterset_class = SettlementFilter

    @extend_schema(responses={200: paginated_schema(SettlementSerializer, "PettyCashSettlement")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "expenses.view_pettycashsettlement")
        settlements = filtered(
            request, self.filterset_class, visible_rows(PettyCashSettlement, request.user)
        )
        return paginate(request, settlements.order_by("-month", "-id"), SettlementSerializer, self)

    @extend_schema(request=SettlementInputSerializer, responses={201: SettlementDetailSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "expenses.add_pettycashsettlement")
        data = SettlementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        settlement = services.settlement_create(
            by=request.user,
            petty_float=access_float(request.user, values["float"]),
            month=values["month"],
        )
        return Response(SettlementDetailSerializer(settlement).data, status=201)


class SettlementDetailApi(APIView):
    @extend_schema(responses={200: SettlementDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_settlement(request.user, pk), SettlementDetailSerializer)


class SettlementSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_settlement)

    def submit(self, obj, by) -> None:
        services.settlement_submit(settlement=obj, by=by)


class SettlementReviewApi(DocumentReviewApi):
    access = staticmethod(access_settlement)


class BudgetImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx or .csv; the columns as the budgets page says")
    commit = serializers.BooleanField(default=False, help_text="false: only check the file")

    class Meta:
        ref_name = "BudgetImportInput"


class BudgetImportSerializer(serializers.Serializer):
    committed = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()

    class Meta:
        ref_name = "BudgetImport"


class BudgetImportApi(APIView):
    """POST multipart {file, commit}: the year's budgets from a spreadsheet (finance). Every
    row is checked first; any problem is a 400 listing each row's (`extra.rows`), and
    nothing is written. commit=false only checks: 200 with what it would add and change."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": BudgetImportInputSerializer},
        responses={200: BudgetImportSerializer, 201: BudgetImportSerializer},
    )
    def post(self, request: Request) -> Response:
        require_perm(request.user, "expenses.add_budget")  # before reading the body
        data = BudgetImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload, commit = data.validated_data["file"], data.validated_data["commit"]
        rows = read_table(upload.read(), filename=upload.name)
        result = budgets_import(rows=rows, by=request.user, commit=commit)
        if not result.ok:
            raise ValidationFailed(
                _("The file has errors; nothing was imported."),
                extra={
                    "rows": [
                        {"row": e.row, "column": e.column, "message": e.message}
                        for e in result.errors
                    ]
                },
            )
        answer = {
            "committed": commit,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        return Response(answer, status=201 if commit else 200)


class AttachInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, image or Office document")

    class Meta:
        ref_name = "ExpenseAttachInput"


class ApplicationAttachApi(APIView):
    """POST multipart {file}: a paper the application rests on (a quote, an agenda), until
    it is verified or cancelled."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": AttachInputSerializer},
        responses={201: ApplicationOutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = access_application(request.user, pk)
        require_perm(request.user, "expenses.change_expenseapplication")
        data = AttachInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_attach(
            application=application, by=request.user, upload=data.validated_data["file"]
        )
        return Response(ApplicationOutputSerializer(application).data, status=201)
