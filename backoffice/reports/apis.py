import json
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.contracts.models import Contract
from backoffice.contracts.selectors import access_contract
from backoffice.core.access import require_perm
from backoffice.core.api import StrictLimitOffset
from backoffice.core.excel import XLSX_MIME, xlsx_response
from backoffice.core.filters import MAX_ID
from backoffice.reports.selectors.billing import GROUPS, billing_params, billing_statistics
from backoffice.reports.selectors.contracts import (
    PERIODS,
    contract_statistics,
    contract_statistics_params,
)
from backoffice.reports.selectors.expenses import GROUPS as EXPENSE_GROUPS
from backoffice.reports.selectors.expenses import (
    expense_params,
    expense_statistics,
    marketing_share,
    petty_cash_holders,
)
from backoffice.reports.selectors.materials import GROUPS as MATERIAL_GROUPS
from backoffice.reports.selectors.materials import (
    mailing_cost,
    materials_cost,
    materials_params,
    printing_cost,
)
from backoffice.reports.selectors.sales import (
    BASES,
    sales_params,
    sales_statistics,
    sales_statistics_json,
    sales_workbook,
)
from backoffice.reports.selectors.sales import GROUPS as SALES_GROUPS
from backoffice.reports.selectors.sales import PERIODS as SALES_PERIODS
from backoffice.sales.performance import contract_performance


def _amount(help_text: str = "") -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=2, coerce_to_string=True, help_text=help_text
    )


def _code(grouping: str) -> serializers.CharField:
    return serializers.CharField(required=False, help_text=f"when grouped by {grouping}")


def _name(what: str) -> serializers.CharField:
    return serializers.CharField(required=False, help_text=what)


def _label(what: str) -> serializers.CharField:
    return serializers.CharField(
        required=False, help_text=f"{what}, in the caller's language (Accept-Language)"
    )


def choices_pattern(choices: Iterable[str], *, most: int | None = None) -> str:
    """The pattern of a comma-separated list of `choices` (at most `most` of them)."""
    one = "(?:" + "|".join(re.escape(choice) for choice in choices) + ")"
    more = "*" if most is None else f"{{0,{most - 1}}}"
    return f"^{one}(?:,{one}){more}$"


class BillingRowSerializer(serializers.Serializer):
    """A billing statistics row: each grouping's code and its name. Documents the rows,
    which are built as dicts."""

    month = serializers.CharField(required=False, help_text="YYYY-MM, when grouped by month")
    rep = _code("rep (the username)")
    rep_name = _name("the rep's full name")
    customer = _code("customer")
    customer_name = _name("the customer's name")
    invoice_type = _code("invoice_type")
    invoice_type_name = _label("the invoice type")
    invoices = serializers.IntegerField()
    gross_amount = _amount()
    net_amount = _amount()
    tax_amount = _amount()


class BillingTotalsSerializer(serializers.Serializer):
    invoices = serializers.IntegerField()
    gross_amount = _amount()
    net_amount = _amount()
    tax_amount = _amount()


class BillingStatisticsSerializer(serializers.Serializer):
    rows = BillingRowSerializer(many=True)
    totals = BillingTotalsSerializer()


class SalesRowSerializer(serializers.Serializer):
    """A sales statistics row: each grouping's code and its name. Documents the rows, which
    are built as dicts (a hundred thousand rows would be slow through a serializer)."""

    period = serializers.CharField(help_text="2025-03-14, 2025-W11, 2025-03, 2025-Q1 or 2025")
    region = _code("region")
    region_name = _name("the region's name")
    rep = _code("rep (the username)")
    rep_name = _name("the rep's full name")
    customer = _code("customer")
    customer_name = _name("the customer's name")
    customer_kind = _code("customer_kind")
    customer_kind_name = _label("the customer kind")
    product = _code("product")
    product_name = _name("the product's name")
    category = _code("category (empty: no category)")
    category_name = _name("the product category's name (or the words for none)")
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3, coerce_to_string=True)
    amount = _amount("including VAT")
    net_amount = _amount()
    orders = serializers.IntegerField()
    previous_amount = _amount("the whole previous period")
    change_previous = serializers.CharField(
        allow_null=True, help_text="per cent, one decimal; null without an earlier amount"
    )
    last_year_amount = _amount("the whole same period a year earlier")
    change_last_year = serializers.CharField(allow_null=True)


class SalesTotalsSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3, coerce_to_string=True)
    amount = _amount()
    net_amount = _amount()
    orders = serializers.IntegerField()


class SalesStatisticsSerializer(serializers.Serializer):
    rows = SalesRowSerializer(many=True)
    totals = SalesTotalsSerializer()
    count = serializers.IntegerField(required=False, help_text="with limit")
    next = serializers.URLField(required=False, allow_null=True, help_text="with limit")
    previous = serializers.URLField(required=False, allow_null=True, help_text="with limit")


class BillingStatisticsApi(APIView):
    """GET /api/v1/reports/billing/?date_from=&date_to=&group_by=month,rep,customer,invoice_type
    — rows per group: each grouping's code and its name (`rep`, `rep_name`), and totals."""

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter(
                "group_by",
                {"type": "string", "pattern": choices_pattern(GROUPS)},
                description="comma-separated: " + ", ".join(GROUPS),
            ),
        ],
        responses={200: BillingStatisticsSerializer},
    )
    def get(self, request: Request) -> Response:
        require_perm(request.user, "sales.view_invoice")
        date_from, date_to, group_by = billing_params(request.query_params)
        rows, totals = billing_statistics(
            by=request.user, date_from=date_from, date_to=date_to, group_by=group_by
        )
        return Response({"rows": [_text(r) for r in rows], "totals": _text(totals)})


class ContractPerformanceApi(APIView):
    """GET /api/v1/contracts/contracts/{id}/performance/: per line, contracted, ordered,
    delivered, invoiced and paid (quantities, amounts, percentages), and the milestones."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "contracts.view_contract")
        performance = contract_performance(access_contract(request.user, pk))
        return Response(
            {
                "contract": pk,
                "as_of": performance.as_of,
                "lines": [_text(row.as_dict()) for row in performance.lines],
                "totals": _text(performance.total.as_dict()),
                "milestones": [
                    {
                        "kind": m.kind,
                        "due_on": m.due_on,
                        "description": m.description,
                        "amount": str(m.amount),
                        "achieved": str(m.achieved),
                        "shortfall": str(m.shortfall),
                        "overdue": m.overdue,
                    }
                    for m in performance.milestones
                ],
                "overdue": bool(performance.overdue),
            }
        )


class ContractStatisticsApi(APIView):
    """GET /api/v1/reports/contracts/?date_from=&date_to=&period=month|quarter|year&kind="""

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("period", str, enum=list(PERIODS)),
            OpenApiParameter("kind", str, enum=Contract.Kind.values),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        require_perm(request.user, "contracts.view_contract")
        date_from, date_to, period, kind = contract_statistics_params(request.query_params)
        rows, totals = contract_statistics(
            by=request.user, date_from=date_from, date_to=date_to, period=period, kind=kind
        )
        return Response({"rows": [_text(row) for row in rows], "totals": _text(totals)})


def _text(row: dict) -> dict:
    """Decimals as strings (STYLE: amounts are decimal strings in the API)."""
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in row.items()}


class ReportRows(StrictLimitOffset):
    """A report's rows a page at a time when the caller asks (`limit`, `offset`); without
    them every row, as the report's contract has it."""

    default_limit = None
    max_limit = 5000
    limit_query_description = (
        "rows on a page (at most 5000); with it the answer has count, next and previous."
        " Without it: every row"
    )


class SalesStatisticsApi(APIView):
    """GET /api/v1/reports/sales/?date_from=&date_to=&period=&group_by=region,product&basis=
    — rows per period and group (each grouping's code and its name in the caller's language:
    `region`, `region_name`), totals; &format=xlsx for the same as a workbook."""

    def perform_content_negotiation(self, request, force=False):
        # ?format=xlsx names our workbook, not one of DRF's renderers
        if request.query_params.get("format") == "xlsx":
            return (self.get_renderers()[0], "application/json")
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("period", str, enum=list(SALES_PERIODS)),
            OpenApiParameter(
                "group_by",
                {"type": "string", "pattern": choices_pattern(SALES_GROUPS, most=2)},
                description="up to two different ones of " + ", ".join(SALES_GROUPS),
            ),
            OpenApiParameter("basis", str, enum=list(BASES)),
            OpenApiParameter(
                "customer",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                description="one customer's sales only (its id)",
            ),
            OpenApiParameter(
                "product",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                description="one product's sales only (its id)",
            ),
            OpenApiParameter("format", str, enum=["json", "xlsx"]),
            *(
                OpenApiParameter(p["name"], p["schema"], description=p.get("description", ""))
                for p in ReportRows().get_schema_operation_parameters(None)
            ),
        ],
        responses={
            (200, "application/json"): SalesStatisticsSerializer,
            (200, XLSX_MIME): OpenApiResponse(bytes, description="with format=xlsx"),
        },
    )
    def get(self, request: Request):
        require_perm(request.user, "sales.view_salesorder")
        query = sales_params(request.query_params)
        if request.query_params.get("format") == "xlsx":
            report = sales_statistics(by=request.user, query=query)
            return xlsx_response(sales_workbook(query, report), filename="sales")
        pages = ReportRows()
        pages.request = request
        pages.limit = pages.get_limit(request)
        pages.offset = pages.get_offset(request) if pages.limit else 0
        if connection.vendor == "postgresql":  # the rows' JSON comes built from the database
            rows, totals, pages.count = sales_statistics_json(
                by=request.user, query=query, limit=pages.limit, offset=pages.offset
            )
            head = {"totals": _text(totals)} | self._links(pages)
            body = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode()
            # the rows' bytes as they came, copied once into the answer
            return HttpResponse(
                [b'{"rows":', rows, b",", body[1:]], content_type="application/json"
            )
        report = sales_statistics(
            by=request.user, query=query, limit=pages.limit, offset=pages.offset
        )
        pages.count = report["count"]
        body = {"rows": [_text(row) for row in report["rows"]], "totals": _text(report["totals"])}
        return Response(body | self._links(pages))

    @staticmethod
    def _links(pages: ReportRows) -> dict:
        """count, next and previous, when the caller asked for a page."""
        if not pages.limit:
            return {}
        return {
            "count": pages.count,
            "next": pages.get_next_link(),
            "previous": pages.get_previous_link(),
        }


class ExpenseRowSerializer(serializers.Serializer):
    """A row of spending against budget: each grouping's code and name. Documents the rows,
    which are built as dicts."""

    region = _code("region")
    region_name = _name("the region's name")
    category = _code("category")
    category_name = _name("the expense category's name")
    month = serializers.CharField(required=False, help_text="YYYY-MM, when grouped by month")
    budget = _amount("the budgets whose whole period lies within the dates (the longest)")
    committed = _amount("applications in review or approved")
    spent = _amount("verified applications")
    available = _amount("budget − committed − spent")
    used_percent = serializers.CharField(allow_null=True, help_text="per cent; null: no budget")
    petty_cash = _amount("petty cash spent")


class ExpenseTotalsSerializer(serializers.Serializer):
    budget = _amount()
    committed = _amount()
    spent = _amount()
    available = _amount()
    used_percent = serializers.CharField(allow_null=True)
    petty_cash = _amount()


class MarketingShareSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM")
    marketing_spent = _amount("verified marketing applications and marketing petty cash")
    sales = _amount("sales ordered, without VAT")
    share_percent = serializers.CharField(allow_null=True)


class PettyCashHolderSerializer(serializers.Serializer):
    float = serializers.CharField(help_text="the float's number")
    holder = serializers.CharField(help_text="the holder's username")
    holder_name = serializers.CharField()
    region_name = serializers.CharField()
    status = _label("the float's status")
    amount = _amount()
    cash_on_hand = _amount()
    spent = _amount("within the dates")
    settled = _amount("of what was spent within the dates")
    unsettled = _amount("spent and not yet settled, whenever")


class ExpenseStatisticsSerializer(serializers.Serializer):
    rows = ExpenseRowSerializer(many=True)
    totals = ExpenseTotalsSerializer()
    marketing_share = MarketingShareSerializer(many=True)
    petty_cash = PettyCashHolderSerializer(many=True)


class ExpenseStatisticsApi(APIView):
    """GET /api/v1/reports/expenses/?date_from=&date_to=&group_by=region,category,month —
    spending against budget per group with totals, marketing expense as a share of sales by
    region and month, and petty cash per holder."""

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter(
                "group_by",
                {"type": "string", "pattern": choices_pattern(EXPENSE_GROUPS)},
                description="comma-separated: " + ", ".join(EXPENSE_GROUPS),
            ),
        ],
        responses={200: ExpenseStatisticsSerializer},
    )
    def get(self, request: Request) -> Response:
        require_perm(request.user, "expenses.view_expenseapplication")
        date_from, date_to, group_by = expense_params(request.query_params)
        rows, totals = expense_statistics(
            by=request.user, date_from=date_from, date_to=date_to, group_by=group_by
        )
        dates = {"by": request.user, "date_from": date_from, "date_to": date_to}
        return Response(
            {
                "rows": [_text(row) for row in rows],
                "totals": _text(totals),
                "marketing_share": [_text(row) for row in marketing_share(**dates)],
                "petty_cash": [
                    _text({**row, "status": str(row["status"])})
                    for row in petty_cash_holders(**dates)
                ],
            }
        )


def _id(grouping: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, help_text=f"when grouped by {grouping}; null: none"
    )


class MaterialRowSerializer(serializers.Serializer):
    """A row of materials used: each grouping's value (an id, a code or YYYY-MM) and name.
    Documents the rows, which are built as dicts."""

    month = serializers.CharField(required=False, help_text="YYYY-MM, when grouped by month")
    kind = _code("kind")
    kind_name = _name("the item kind, in the caller's language")
    region = _id("region")
    region_name = _name("the region's name")
    rep = _id("rep")
    rep_name = _name("the rep's name")
    customer = _id("customer")
    customer_name = _name("the customer's name")
    purpose = _code("purpose")
    purpose_name = _name("the purpose, in the caller's language")
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3, coerce_to_string=True)
    cost = _amount("value out at the moving average, net of returns")


class MaterialTotalsSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3, coerce_to_string=True)
    cost = _amount()


class PrintingRowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    kind = serializers.CharField()
    kind_name = serializers.CharField()
    jobs = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3, coerce_to_string=True)
    cost = _amount()


class MailingRowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    carrier_name = serializers.CharField()
    kind = serializers.CharField()
    kind_name = serializers.CharField()
    shipments = serializers.IntegerField()
    cost = _amount("the billed fee once settled, else the expected cost")


class MaterialStatisticsSerializer(serializers.Serializer):
    rows = MaterialRowSerializer(many=True)
    totals = MaterialTotalsSerializer()
    printing = PrintingRowSerializer(many=True)
    mailing = MailingRowSerializer(many=True)


class MaterialStatisticsApi(APIView):
    """GET /api/v1/reports/materials/?date_from=&date_to=&group_by=month,kind,region,rep,
    customer,purpose — materials used (net of returns, at the moving average) per group with
    totals, printing jobs received by month and item kind, and mailing by month, carrier and
    kind."""

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter(
                "group_by",
                {"type": "string", "pattern": choices_pattern(MATERIAL_GROUPS)},
                description="comma-separated: " + ", ".join(MATERIAL_GROUPS),
            ),
        ],
        responses={200: MaterialStatisticsSerializer},
    )
    def get(self, request: Request) -> Response:
        require_perm(request.user, "materials.view_stockmove")
        date_from, date_to, group_by = materials_params(request.query_params)
        rows, totals = materials_cost(
            by=request.user, date_from=date_from, date_to=date_to, group_by=group_by
        )
        printing = printing_cost(by=request.user, date_from=date_from, date_to=date_to)
        mailing = mailing_cost(by=request.user, date_from=date_from, date_to=date_to)
        return Response(
            {
                "rows": [_text(row) for row in rows],
                "totals": _text(totals),
                "printing": [_text(row) for row in printing],
                "mailing": [_text(row) for row in mailing],
            }
        )
