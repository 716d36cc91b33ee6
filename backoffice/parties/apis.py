"""/api/v1/parties/…: customers, their contacts and qualification papers (DOMAIN §1).

Row-level visibility holds everywhere: a customer the caller may not see is a 404.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.accounts.models import Region
from backoffice.core.access import access_object, require_perm
from backoffice.core.api import SlugRelatedField, filtered, paginate, paginated_schema
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.imports import digest, import_previous, imports_fail_stale
from backoffice.core.inputs import DepthLimitedJSONParser
from backoffice.core.tabular import read_table
from backoffice.core.versions import detail_response, expected_version
from backoffice.parties import services
from backoffice.parties.filters import (
    CallFilter,
    ContactFilter,
    CustomerFilter,
    FeedbackFilter,
    QualificationFilter,
    TermsChangeFilter,
    VisitFilter,
)
from backoffice.parties.imports import (
    customer_import_queue,
    customer_import_retry,
    customer_import_run,
    customer_import_visible_to,
    customers_import,
)
from backoffice.parties.models import Customer, CustomerImport, Feedback, QualificationType, Visit
from backoffice.parties.scans import OTHER_CONTENT_TYPE, SCAN_CONTENT_TYPES
from backoffice.parties.selectors import (
    access_customer,
    access_feedback,
    access_qualification,
    access_terms_change,
    call_visible_to,
    customer_list,
    customer_trade_block,
    feedback_visible_to,
    trade_block_enforced,
    visit_visible_to,
)
from backoffice.parties.views import qualification_scan_response
from backoffice.reviews.apis import DocumentReviewApi, DocumentSubmitApi

CUSTOMER_FIELDS = [*Customer.MASTER_FIELDS, *Customer.BILLING_FIELDS]


CUSTOMER_WRITE_RULES = (
    "Refusals that name other customers, each a 400: `duplicate_tax_id` when a head office's"
    " tax id is taken (`extra.customer`: id, code, name, label of the customer that has it,"
    " only when the caller may see it); `duplicate_name` when the name (new, or changed to)"
    " is another customer's, until `confirm_duplicate_name` is true."
)

TERMS_RULES = (
    "Credit limit, payment terms, status (suspended, blacklisted) and region need"
    " `parties.change_customer_terms`: anyone else gets 403 with the fields named in"
    " `extra.fields`. A new credit limit or status is not applied at once: it opens a terms"
    " change (GET /customers/{id}/terms-changes/) that takes effect once reviewed."
)

# Declared, not derived: the database's integer range would otherwise leak into the schema.
PAYMENT_TERMS = {"min_value": 0, "max_value": 3650}


def _scope_categories():
    # catalog sits beside parties: its categories are reached through the relation
    return Customer._meta.get_field("business_scope").related_model.objects.all()


class CustomerOutputSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(read_only=True)
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    payment_terms_days = serializers.IntegerField(read_only=True)
    label = serializers.CharField(
        source="picker_label",
        read_only=True,
        help_text="What a picker shows: name · code · city · …last four of the tax id.",
    )
    business_scope = SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="product category codes its licence allows; empty: no restriction",
    )

    class Meta:
        model = Customer
        fields = ["id", "label", *CUSTOMER_FIELDS, "business_scope", "created_at", "updated_at"]
        ref_name = "Customer"


class CustomerInputSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    tax_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    payment_terms_days = serializers.IntegerField(required=False, **PAYMENT_TERMS)
    confirm_duplicate_name = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text=(
            "A name another customer has is refused with 400 `duplicate_name` (`extra.customers`"
            " lists those the caller may see: id, code, name, label; `extra.hidden` counts the"
            " others). Send true to save a separate customer of that name, such as a branch."
        ),
    )
    business_scope = SlugRelatedField(
        slug_field="code",
        many=True,
        required=False,
        queryset=_scope_categories(),
        help_text="product category codes its licence allows (经营范围); empty: no restriction",
    )

    class Meta:
        model = Customer
        fields = [*CUSTOMER_FIELDS, "business_scope", "confirm_duplicate_name"]
        extra_kwargs = {"code": {"required": False, "validators": []}}
        # The services own uniqueness: 400 duplicate_tax_id, naming in `extra.customer` the
        # customer with the tax id when the caller may see it.
        validators: list = []
        ref_name = "CustomerInput"


class CustomerListApi(APIView):
    filterset_class = CustomerFilter

    @extend_schema(responses={200: paginated_schema(CustomerOutputSerializer, "Customer")})
    def get(self, request: Request) -> Response:
        customers = filtered(request, self.filterset_class, customer_list(by=request.user))
        customers = customers.prefetch_related("business_scope")
        return paginate(request, customers, CustomerOutputSerializer, self)

    @extend_schema(
        request=CustomerInputSerializer,
        responses={201: CustomerOutputSerializer},
        description=CUSTOMER_WRITE_RULES,
    )
    def post(self, request: Request) -> Response:
        data = CustomerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = services.customer_create(by=request.user, **data.validated_data)
        return Response(CustomerOutputSerializer(customer).data, status=201)


class CustomerDetailApi(APIView):
    @extend_schema(responses={200: CustomerOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_customer(request.user, pk), CustomerOutputSerializer)

    @extend_schema(
        request=CustomerInputSerializer,
        responses={200: CustomerOutputSerializer},
        description=CUSTOMER_WRITE_RULES + " " + TERMS_RULES,
    )
    def patch(self, request: Request, pk: int) -> Response:
        customer = access_customer(request.user, pk)
        data = CustomerInputSerializer(customer, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        customer = services.customer_update(
            customer=customer,
            by=request.user,
            expected_version=expected_version(request),
            **data.validated_data,
        )
        return detail_response(customer, CustomerOutputSerializer)


class TradeBlockApi(APIView):
    class OutputSerializer(serializers.Serializer):
        blocked = serializers.BooleanField()
        enforced = serializers.BooleanField()
        reasons = serializers.ListField(child=serializers.DictField())

        class Meta:
            ref_name = "TradeBlock"

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        reasons = customer_trade_block(access_customer(request.user, pk))
        return Response(
            {
                "blocked": bool(reasons),
                "enforced": trade_block_enforced(),
                "reasons": [
                    {"code": r.code, "message": r.message, "type": r.qualification_type}
                    for r in reasons
                ],
            }
        )


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False, default=False)

    class Meta:
        ref_name = "Contact"


class ContactListApi(APIView):
    filterset_class = ContactFilter

    @extend_schema(responses={200: ContactSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        customer = access_customer(request.user, pk)
        contacts = filtered(request, self.filterset_class, customer.contacts.all())
        return Response(ContactSerializer(contacts, many=True).data)

    @extend_schema(request=ContactSerializer, responses={201: ContactSerializer})
    def post(self, request: Request, pk: int) -> Response:
        customer = access_customer(request.user, pk)
        data = ContactSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_create(customer=customer, by=request.user, **data.validated_data)
        return Response(ContactSerializer(contact).data, status=201)


class QualificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    type = serializers.CharField(source="qualification_type.code")
    number = serializers.CharField()
    issuer = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    status = serializers.CharField()
    has_scan = serializers.SerializerMethodField()

    class Meta:
        ref_name = "Qualification"

    def get_has_scan(self, paper) -> bool:
        return bool(paper.scan)


class QualificationInputSerializer(serializers.Serializer):
    type = SlugRelatedField(
        slug_field="code", queryset=QualificationType.objects.filter(is_active=True)
    )
    number = serializers.CharField(max_length=100)
    issuer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    scan = serializers.FileField(required=False)

    class Meta:
        ref_name = "QualificationInput"


class QualificationListApi(APIView):
    parser_classes = [MultiPartParser, FormParser, DepthLimitedJSONParser]
    filterset_class = QualificationFilter

    @extend_schema(responses={200: QualificationOutputSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        customer = access_customer(request.user, pk)
        papers = filtered(
            request,
            self.filterset_class,
            customer.qualifications.select_related("qualification_type"),
        )
        return Response(QualificationOutputSerializer(papers, many=True).data)

    @extend_schema(
        request={"multipart/form-data": QualificationInputSerializer},
        responses={201: QualificationOutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        customer = access_customer(request.user, pk)
        data = QualificationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        paper = services.qualification_create(
            customer=customer,
            by=request.user,
            qualification_type=values["type"],
            number=values["number"],
            issuer=values["issuer"],
            valid_from=values["valid_from"],
            valid_to=values["valid_to"],
            scan=values.get("scan"),
        )
        return Response(QualificationOutputSerializer(paper).data, status=201)


class QualificationDetailApi(APIView):
    @extend_schema(responses={200: QualificationOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(
            access_qualification(request.user, pk), QualificationOutputSerializer
        )


class QualificationScanApi(APIView):
    """The scan as a download (attachment), for those who may see the customer."""

    @extend_schema(
        responses={
            (200, mime): bytes for mime in [*SCAN_CONTENT_TYPES.values(), OTHER_CONTENT_TYPE]
        }
    )
    def get(self, request: Request, pk: int):
        return qualification_scan_response(request.user, pk)


class QualificationSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_qualification)

    def submit(self, obj, by) -> None:
        services.qualification_submit(qualification=obj, by=by)


class QualificationReviewApi(DocumentReviewApi):
    access = staticmethod(access_qualification)


class TermsChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    customer = serializers.IntegerField(source="customer_id", read_only=True)
    credit_limit = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        coerce_to_string=True,
    )
    customer_status = serializers.ChoiceField(
        choices=Customer.Status.choices, required=False, allow_blank=True
    )
    credit_limit_before = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, coerce_to_string=True
    )
    customer_status_before = serializers.CharField(read_only=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    status = serializers.CharField(read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    class Meta:
        ref_name = "CustomerTermsChange"


class CustomerTermsChangeListApi(APIView):
    """A customer's credit terms changes (issue 15 §3): a new credit limit or status takes
    effect once one reviewer, not its requester, approves it
    (POST /terms-changes/{id}/review/). Asking needs `parties.change_customer_terms`."""

    filterset_class = TermsChangeFilter

    @extend_schema(responses={200: TermsChangeSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        customer = access_customer(request.user, pk)
        changes = filtered(
            request, self.filterset_class, customer.terms_changes.select_related("requested_by")
        )
        return Response(TermsChangeSerializer(changes, many=True).data)

    @extend_schema(request=TermsChangeSerializer, responses={201: TermsChangeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        customer = access_customer(request.user, pk)
        data = TermsChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.customer_terms_change_request(
            customer=customer, by=request.user, **data.validated_data
        )
        return Response(TermsChangeSerializer(change).data, status=201)


class CustomerTermsChangeReviewApi(DocumentReviewApi):
    access = staticmethod(access_terms_change)


class InventoryLineSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3, min_value=0)

    class Meta:
        ref_name = "CallInventoryLine"


class CallSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    customer = serializers.IntegerField(source="customer_id")
    called_at = serializers.DateTimeField(required=False)
    caller = serializers.IntegerField(source="caller_id", read_only=True)
    contact = serializers.IntegerField(source="contact_id", required=False, allow_null=True)
    business_status = serializers.CharField(required=False, allow_blank=True, default="")
    market_demand = serializers.CharField(required=False, allow_blank=True, default="")
    competitor_notes = serializers.CharField(required=False, allow_blank=True, default="")
    next_call_on = serializers.DateField(required=False, allow_null=True)
    inventory = InventoryLineSerializer(many=True, required=False, default=list)

    class Meta:
        ref_name = "Call"


class CallListApi(APIView):
    filterset_class = CallFilter

    @extend_schema(responses={200: paginated_schema(CallSerializer, "Call")})
    def get(self, request: Request) -> Response:
        calls = filtered(
            request,
            self.filterset_class,
            call_visible_to(request.user).prefetch_related("inventory"),
        )
        return paginate(request, calls.order_by("-called_at", "-id"), CallSerializer, self)

    @extend_schema(request=CallSerializer, responses={201: CallSerializer})
    def post(self, request: Request) -> Response:
        data = CallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        customer = access_customer(request.user, values.pop("customer_id"))
        contact_id = values.pop("contact_id", None)
        contact = customer.contacts.filter(pk=contact_id).first() if contact_id else None
        if contact_id and contact is None:
            raise ValidationFailed(
                extra={"fields": {"contact": [_("not a contact of this customer")]}}
            )
        lines = [(line["product_id"], line["quantity"]) for line in values.pop("inventory")]
        call = services.call_record(
            customer=customer, by=request.user, contact=contact, inventory=lines, **values
        )
        return Response(CallSerializer(call).data, status=201)


class VisitSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id")
    host = serializers.IntegerField(source="host_id", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "customer",
            "kind",
            "visited_on",
            "host",
            "participants",
            "purpose",
            "outcome",
            "next_step",
        ]
        ref_name = "Visit"


class VisitListApi(APIView):
    filterset_class = VisitFilter

    @extend_schema(responses={200: paginated_schema(VisitSerializer, "Visit")})
    def get(self, request: Request) -> Response:
        visits = filtered(request, self.filterset_class, visit_visible_to(request.user))
        return paginate(request, visits.order_by("-visited_on", "-id"), VisitSerializer, self)

    @extend_schema(request=VisitSerializer, responses={201: VisitSerializer})
    def post(self, request: Request) -> Response:
        data = VisitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        customer = access_customer(request.user, values.pop("customer_id"))
        visit = services.visit_record(customer=customer, by=request.user, **values)
        return Response(VisitSerializer(visit).data, status=201)


class FeedbackSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id")
    assignee = serializers.IntegerField(source="assignee_id", required=False, allow_null=True)
    resolve_hours = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "customer",
            "type",
            "priority",
            "description",
            "assignee",
            "due_on",
            "status",
            "response",
            "resolution",
            "created_at",
            "answered_at",
            "closed_at",
            "resolve_hours",
        ]
        read_only_fields = [
            "due_on",
            "status",
            "response",
            "resolution",
            "created_at",
            "answered_at",
            "closed_at",
        ]
        ref_name = "Feedback"


class FeedbackListApi(APIView):
    filterset_class = FeedbackFilter

    @extend_schema(responses={200: paginated_schema(FeedbackSerializer, "Feedback")})
    def get(self, request: Request) -> Response:
        tickets = filtered(request, self.filterset_class, feedback_visible_to(request.user))
        return paginate(request, tickets.order_by("-created_at", "-id"), FeedbackSerializer, self)

    @extend_schema(request=FeedbackSerializer, responses={201: FeedbackSerializer})
    def post(self, request: Request) -> Response:
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        customer = access_customer(request.user, values.pop("customer_id"))
        assignee_id = values.pop("assignee_id", None)
        assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if assignee_id and assignee is None:
            raise ValidationFailed(extra={"fields": {"assignee": [_("unknown user")]}})
        ticket = services.feedback_create(
            customer=customer, by=request.user, assignee=assignee, **values
        )
        return Response(FeedbackSerializer(ticket).data, status=201)


class FeedbackStepInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    class Meta:
        ref_name = "FeedbackStep"


class FeedbackStepApi(APIView):
    """POST …/feedback/{id}/start/ | answer/ {text} | close/ {text}."""

    step = ""

    @extend_schema(request=FeedbackStepInputSerializer, responses={200: FeedbackSerializer})
    def post(self, request: Request, pk: int) -> Response:
        ticket = access_feedback(request.user, pk)
        data = FeedbackStepInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["text"]
        if self.step == "start":
            ticket = services.feedback_start(feedback=ticket, by=request.user)
        elif self.step == "answer":
            ticket = services.feedback_answer(feedback=ticket, by=request.user, response=text)
        else:
            ticket = services.feedback_close(feedback=ticket, by=request.user, resolution=text)
        ticket.refresh_from_db()
        return Response(FeedbackSerializer(ticket).data)


class CustomerImportDifferenceSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    code = serializers.CharField()
    field = serializers.CharField()
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)
    applied = serializers.BooleanField()


class CustomerImportRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerImport
        fields = [
            "id",
            "status",
            "filename",
            "sha256",
            "size_bytes",
            "counts",
            "differences",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class CustomerImportDetailApi(APIView):
    """One customer import: its status (a queued one runs in the task worker), the file's
    hash, its counts, differences and errors. A run whose worker is gone reads as failed."""

    @extend_schema(responses={200: CustomerImportRecordSerializer})
    def get(self, request: Request, pk: int) -> Response:
        record = access_object(customer_import_visible_to(request.user), pk)
        if record.status == CustomerImport.Status.RUNNING and imports_fail_stale(CustomerImport):
            record.refresh_from_db()
        return Response(CustomerImportRecordSerializer(record).data)


class CustomerImportRetryApi(APIView):
    """POST: a failed import (its file had errors, or its worker was stopped) queued again
    from the file it kept; 202 with the record, whose result is read at
    customer-imports/<id>/. 409 unless it failed, or when the same file succeeded since."""

    @extend_schema(request=None, responses={202: CustomerImportRecordSerializer})
    def post(self, request: Request, pk: int) -> Response:
        record = access_object(customer_import_visible_to(request.user), pk)
        record = customer_import_retry(customer_import=record, by=request.user)
        return Response(CustomerImportRecordSerializer(record).data, status=202)


class CustomerImportApi(APIView):
    """POST a .xlsx/.csv as `file`; `?dry_run=true` checks without writing. A customer
    already there is updated where the file differs (credit limit, payment terms, region
    and status excepted: refused, `applied: false`); every difference is listed. A file
    imported before is refused (409 `already_imported`) unless `?again=true`; one import at
    a time per user (409 `import_running`) and a daily limit (429)."""

    parser_classes = [MultiPartParser]

    class OutputSerializer(serializers.Serializer):
        ok = serializers.BooleanField()
        import_id = serializers.IntegerField(allow_null=True)
        sha256 = serializers.CharField()
        already_imported_at = serializers.DateTimeField(allow_null=True)
        created = serializers.IntegerField()
        updated = serializers.IntegerField()
        unchanged = serializers.IntegerField()
        to_create = serializers.IntegerField()
        to_update = serializers.IntegerField()
        differences = CustomerImportDifferenceSerializer(many=True)
        errors = serializers.ListField(child=serializers.DictField())

        class Meta:
            ref_name = "CustomerImportResult"

    @extend_schema(
        parameters=[OpenApiParameter("dry_run", bool), OpenApiParameter("again", bool)],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(
                {
                    "oneOf": [
                        {"$ref": "#/components/schemas/CustomerImportResult"},
                        {"$ref": "#/components/schemas/Error"},
                    ]
                },
                description="Rows refused (the result, `ok: false`), or no file, or a file"
                " that is not a table (the error body).",
            ),
            202: OpenApiResponse(
                CustomerImportRecordSerializer,
                description="A file above the synchronous size: queued for the task worker; "
                "read its result at customer-imports/<id>/.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        require_perm(request.user, "parties.add_customer")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(extra={"fields": {"file": [_("required")]}})
        content = upload.read()
        flags = {"1", "true", "yes"}
        dry_run = request.query_params.get("dry_run", "").lower() in flags
        again = request.query_params.get("again", "").lower() in flags
        if not dry_run and len(content) > settings.IMPORT_SYNC_MAX_BYTES:
            queued = customer_import_queue(
                content=content, filename=upload.name, by=request.user, again=again
            )
            return Response(CustomerImportRecordSerializer(queued).data, status=202)
        sha256 = digest([content])[0]
        previous = import_previous(CustomerImport, sha256=sha256)
        record = None
        if dry_run:
            rows = read_table(content, filename=upload.name)
            result = customers_import(rows=rows, by=request.user, commit=False)
        else:
            record, result = customer_import_run(
                content=content, filename=upload.name, by=request.user, again=again
            )
        body = {
            "ok": result.ok,
            "import_id": record.pk if record else None,
            "sha256": sha256,
            "already_imported_at": previous.finished_at if previous else None,
            "created": result.created,
            "updated": result.updated,
            "unchanged": len(result.unchanged),
            "to_create": len(result.to_create),
            "to_update": len(result.to_update),
            "differences": [
                {
                    "row": d.row,
                    "code": d.code,
                    "field": d.field,
                    "old": d.old,
                    "new": d.new,
                    "applied": d.applied,
                }
                for d in result.differences
            ],
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in result.errors
            ],
        }
        return Response(self.OutputSerializer(body).data, status=200 if result.ok else 400)
