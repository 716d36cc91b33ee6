from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.core.access import require_perm
from backoffice.core.exceptions import ValidationFailed
from backoffice.reports.billing import GROUPS, billing_statistics


def report_params(request: Request) -> tuple:
    today = timezone.localdate()
    values = {}
    for name, default in (("date_from", today.replace(month=1, day=1)), ("date_to", today)):
        raw = request.query_params.get(name)
        value = parse_date(raw) if raw else default
        if value is None:
            raise ValidationFailed(extra={"fields": {name: [_("a date as YYYY-MM-DD")]}})
        values[name] = value
    group_by = [g for g in request.query_params.get("group_by", "month").split(",") if g]
    unknown = [g for g in group_by if g not in GROUPS]
    if unknown or not group_by:
        raise ValidationFailed(
            extra={"fields": {"group_by": [_("choose from: %s") % ", ".join(GROUPS)]}}
        )
    return values["date_from"], values["date_to"], group_by


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
        date_from, date_to, group_by = report_params(request)
        rows, totals = billing_statistics(
            by=request.user, date_from=date_from, date_to=date_to, group_by=group_by
        )

        def text(row):
            return {k: (str(v) if k.endswith("_amount") else v) for k, v in row.items()}

        return Response({"rows": [text(r) for r in rows], "totals": text(totals)})
