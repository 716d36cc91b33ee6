from django.urls import path

from backoffice.sales import apis

urlpatterns = [
    path("orders/", apis.OrderListApi.as_view(), name="order-list"),
    path("orders/<int:pk>/", apis.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:pk>/submit/", apis.OrderSubmitApi.as_view(), name="order-submit"),
    path("orders/<int:pk>/review/", apis.OrderReviewApi.as_view(), name="order-review"),
    path("orders/<int:pk>/cancel/", apis.OrderCancelApi.as_view(), name="order-cancel"),
    path("orders/<int:pk>/override/", apis.OrderOverrideApi.as_view(), name="order-override"),
]
