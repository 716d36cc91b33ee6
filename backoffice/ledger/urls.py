from django.urls import path

from backoffice.ledger import apis

urlpatterns = [
    path("receipts/", apis.ReceiptListApi.as_view(), name="receipt-list"),
    path("receipts/<int:pk>/", apis.ReceiptDetailApi.as_view(), name="receipt-detail"),
    path(
        "receipts/<int:pk>/allocations/",
        apis.ReceiptAllocateApi.as_view(),
        name="receipt-allocate",
    ),
    path(
        "customers/<int:pk>/statement/",
        apis.CustomerStatementApi.as_view(),
        name="customer-statement",
    ),
    path("aging/", apis.AgingApi.as_view(), name="aging"),
    path("general/", apis.GeneralLedgerApi.as_view(), name="general-ledger"),
    path("supplier-invoices/", apis.SupplierInvoiceListApi.as_view(), name="supplier-invoice-list"),
    path("supplier-payments/", apis.SupplierPaymentListApi.as_view(), name="supplier-payment-list"),
]
