from django.urls import path

from backoffice.catalog import apis

urlpatterns = [
    path("products/", apis.ProductListApi.as_view(), name="product-list"),
    path("products/<int:pk>/", apis.ProductDetailApi.as_view(), name="product-detail"),
]
