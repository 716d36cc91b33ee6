"""The site: the API under /api/, language switching, and the staff UI (Unfold admin) at /."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from backoffice.accounts.views import language_set
from backoffice.core.api import json_or_html_error
from backoffice.core.views import attachment_download, notification_open
from backoffice.ledger.admin import statement_view
from backoffice.reports.views import (
    aging_view,
    billing_view,
    contract_performance_view,
    contract_statistics_view,
    expenses_view,
    general_ledger_view,
    materials_view,
    sales_view,
)

urlpatterns = [
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # not the admin's catch-all login redirect; a POST with a token gets this 404 too, not the
    # CSRF refusal (nothing is written here, so there is nothing to protect)
    re_path(r"^api/", csrf_exempt(json_or_html_error(404))),
    # the switcher also remembers the language on the person (for the mail they get)
    path("i18n/setlang/", language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("attachments/<int:pk>/", attachment_download, name="attachment-download"),
    path("notifications/<int:pk>/", notification_open, name="notification-open"),
    path("reports/billing/", admin.site.admin_view(billing_view), name="report-billing-page"),
    path("reports/aging/", admin.site.admin_view(aging_view), name="report-aging-page"),
    path("reports/sales/", admin.site.admin_view(sales_view), name="report-sales-page"),
    path("reports/expenses/", admin.site.admin_view(expenses_view), name="report-expenses-page"),
    path("reports/materials/", admin.site.admin_view(materials_view), name="report-materials-page"),
    path("reports/ledger/", admin.site.admin_view(general_ledger_view), name="report-ledger-page"),
    path(
        "reports/contracts/",
        admin.site.admin_view(contract_statistics_view),
        name="report-contracts-page",
    ),
    path(
        "reports/contracts/<int:pk>/performance/",
        admin.site.admin_view(contract_performance_view),
        name="contract_performance",
    ),
    path(
        "statements/<int:customer_id>/",
        admin.site.admin_view(statement_view),
        name="customer-statement-print",
    ),
    path("", admin.site.urls),
]

handler400 = json_or_html_error(400)
handler403 = json_or_html_error(403)
handler404 = json_or_html_error(404)
handler500 = json_or_html_error(500)
