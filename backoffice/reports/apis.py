from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.core.access import require_perm
from backoffice.reports.billing import GROUPS, billing_params, billing_statistics


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

        def text(row):
            return {k: (str(v) if k.endswith("_amount") else v) for k, v in row.items()}

        return Response({"rows": [text(r) for r in rows], "totals": text(totals)})
