from django.urls import path

from backoffice.reports import apis

urlpatterns = [
    path("billing/", apis.BillingStatisticsApi.as_view(), name="report-billing"),
]
