from django.urls import path

from backoffice.reports import apis

urlpatterns = [
    path("billing/", apis.BillingStatisticsApi.as_view(), name="report-billing"),
    path("contracts/", apis.ContractStatisticsApi.as_view(), name="report-contracts"),
    path("expenses/", apis.ExpenseStatisticsApi.as_view(), name="report-expenses"),
    path("materials/", apis.MaterialStatisticsApi.as_view(), name="report-materials"),
    path("sales/", apis.SalesStatisticsApi.as_view(), name="report-sales"),
]
