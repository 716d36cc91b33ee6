from django.urls import path

from backoffice.office import apis

urlpatterns = [
    path("carriers/", apis.CarrierListApi.as_view(), name="carrier-list"),
    path("carriers/<int:pk>/", apis.CarrierDetailApi.as_view(), name="carrier-detail"),
    path("items/", apis.MailItemListApi.as_view(), name="mail-item-list"),
    path("items/<int:pk>/", apis.MailItemDetailApi.as_view(), name="mail-item-detail"),
    path("items/<int:pk>/status/", apis.MailItemStatusApi.as_view(), name="mail-item-status"),
    path("carrier-bills/", apis.BillListApi.as_view(), name="carrier-bill-list"),
    path("carrier-bills/<int:pk>/", apis.BillDetailApi.as_view(), name="carrier-bill-detail"),
    path(
        "carrier-bills/<int:pk>/settle/", apis.BillSettleApi.as_view(), name="carrier-bill-settle"
    ),
]
