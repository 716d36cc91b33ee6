from django.urls import path

from backoffice.sales import apis

urlpatterns = [
    path("orders/", apis.OrderListApi.as_view(), name="order-list"),
    path("orders/<int:pk>/", apis.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:pk>/submit/", apis.OrderSubmitApi.as_view(), name="order-submit"),
    path("orders/<int:pk>/review/", apis.OrderReviewApi.as_view(), name="order-review"),
    path("orders/<int:pk>/cancel/", apis.OrderCancelApi.as_view(), name="order-cancel"),
    path("orders/<int:pk>/override/", apis.OrderOverrideApi.as_view(), name="order-override"),
    path("orders/<int:pk>/checks/", apis.OrderChecksApi.as_view(), name="order-checks"),
    path("history-orders/", apis.HistoryOrderListApi.as_view(), name="history-order-list"),
    path(
        "history-orders/<int:pk>/",
        apis.HistoryOrderDetailApi.as_view(),
        name="history-order-detail",
    ),
    path("deliveries/", apis.DeliveryListApi.as_view(), name="delivery-list"),
    path("deliveries/<int:pk>/", apis.DeliveryDetailApi.as_view(), name="delivery-detail"),
    path("deliveries/<int:pk>/submit/", apis.DeliverySubmitApi.as_view(), name="delivery-submit"),
    path("deliveries/<int:pk>/review/", apis.DeliveryReviewApi.as_view(), name="delivery-review"),
    path("deliveries/<int:pk>/ship/", apis.DeliveryStepApi.as_view(step="ship")),
    path("deliveries/<int:pk>/sign/", apis.DeliveryStepApi.as_view(step="sign")),
    path("deliveries/<int:pk>/return/", apis.DeliveryStepApi.as_view(step="return")),
    path("invoices/", apis.InvoiceListApi.as_view(), name="invoice-list"),
    path("invoices/<int:pk>/", apis.InvoiceDetailApi.as_view(), name="invoice-detail"),
    path("invoices/<int:pk>/submit/", apis.InvoiceSubmitApi.as_view(), name="invoice-submit"),
    path("invoices/<int:pk>/review/", apis.InvoiceReviewApi.as_view(), name="invoice-review"),
    path("invoices/<int:pk>/issue/", apis.InvoiceIssueApi.as_view(), name="invoice-issue"),
    path("invoices/<int:pk>/mail/", apis.InvoiceMailApi.as_view(), name="invoice-mail"),
    path(
        "invoices/<int:pk>/reverse/",
        apis.InvoiceReverseApi.as_view(),
        name="invoice-reverse",
    ),
]
