from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.contracts.selectors import access_contract
from backoffice.core.access import require_perm
from backoffice.core.excel import xlsx_response
from backoffice.reports.selectors.billing import GROUPS, billing_params, billing_statistics
from backoffice.reports.selectors.contracts import (
    PERIODS,
    contract_statistics,
    contract_statistics_params,
)
from backoffice.reports.selectors.sales import BASES, sales_params, sales_statistics, sales_workbook
from backoffice.reports.selectors.sales import GROUPS as SALES_GROUPS
from backoffice.reports.selectors.sales import PERIODS as SALES_PERIODS
from backoffice.sales.performance import contract_performance


class BillingStatisticsApi(APIView):
    """GET /api/v1/reports/billing/?date_from=&date_to=&group_by=month,rep,customer,invoice_type"""

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
            OpenApiParameter("group_by", str, description="comma-separated: " + ", ".join(GROUPS)),
        ],
        responses={200: dict},
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
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
            OpenApiParameter("period", str, enum=list(PERIODS)),
            OpenApiParameter("kind", str),
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


class ReportRows(LimitOffsetPagination):
    """A report's rows a page at a time when the caller asks (`limit`, `offset`); without
    them every row, as the report's contract has it."""

    default_limit = None
    max_limit = 5000


class SalesStatisticsApi(APIView):
    """GET /api/v1/reports/sales/?date_from=&date_to=&period=&group_by=region,product&basis=
    — rows per period and group (codes), totals; &format=xlsx for the same as a workbook."""

    def perform_content_negotiation(self, request, force=False):
        # ?format=xlsx names our workbook, not one of DRF's renderers
        if request.query_params.get("format") == "xlsx":
            return (self.get_renderers()[0], "application/json")
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
            OpenApiParameter("period", str, enum=list(SALES_PERIODS)),
            OpenApiParameter(
                "group_by", str, description="up to two of " + ", ".join(SALES_GROUPS)
            ),
            OpenApiParameter("basis", str, enum=list(BASES)),
            OpenApiParameter("format", str, enum=["json", "xlsx"]),
            OpenApiParameter(
                "limit",
                int,
                description="rows on a page (at most 5000); with it the answer has count, "
                "next and previous. Without it: every row",
            ),
            OpenApiParameter("offset", int),
        ],
        responses={200: dict},
    )
    def get(self, request: Request):
        require_perm(request.user, "sales.view_salesorder")
        query = sales_params(request.query_params)
        report = sales_statistics(by=request.user, query=query)
        if request.query_params.get("format") == "xlsx":
            return xlsx_response(sales_workbook(query, report), filename="sales")
        pages = ReportRows()
        rows = pages.paginate_queryset(report["rows"], request, view=self)
        body = {
            "rows": [_text(row) for row in (report["rows"] if rows is None else rows)],
            "totals": _text(report["totals"]),
        }
        if rows is not None:
            body |= {
                "count": pages.count,
                "next": pages.get_next_link(),
                "previous": pages.get_previous_link(),
            }
        return Response(body)
