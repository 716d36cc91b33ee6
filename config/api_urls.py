"""/api/v1/<app>/<resource>/: each domain app contributes its urls module."""

from django.urls import include, path

from backoffice.accounts.apis import TokenObtainApi
from backoffice.reports.apis import ContractPerformanceApi

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("accounts/", include("backoffice.accounts.urls")),
    path("audit/", include("backoffice.audit.urls")),
    path("reviews/", include("backoffice.reviews.urls")),
    path("parties/", include("backoffice.parties.urls")),
    path("catalog/", include("backoffice.catalog.urls")),
    path(
        "contracts/contracts/<int:pk>/performance/",
        ContractPerformanceApi.as_view(),
        name="contract-performance",
    ),
    path("contracts/", include("backoffice.contracts.urls")),
    path("sales/", include("backoffice.sales.urls")),
    path("expenses/", include("backoffice.expenses.urls")),
    path("materials/", include("backoffice.materials.urls")),
    path("mail/", include("backoffice.office.urls")),
    path("ledger/", include("backoffice.ledger.urls")),
    path("reports/", include("backoffice.reports.urls")),
]
