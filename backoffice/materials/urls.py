from django.urls import path

from backoffice.materials import apis

urlpatterns = [
    path("items/", apis.ItemListApi.as_view(), name="material-item-list"),
    path("items/<int:pk>/", apis.ItemDetailApi.as_view(), name="material-item-detail"),
    path("locations/", apis.LocationListApi.as_view(), name="stock-location-list"),
    path("stock/", apis.StockListApi.as_view(), name="stock-list"),
    path("receipts/", apis.StockReceiptListApi.as_view(), name="stock-receipt-list"),
    path("receipts/<int:pk>/", apis.StockReceiptDetailApi.as_view(), name="stock-receipt-detail"),
    path("transfers/", apis.StockTransferListApi.as_view(), name="stock-transfer-list"),
    path("issues/", apis.IssueListApi.as_view(), name="material-issue-list"),
    path("issues/<int:pk>/", apis.IssueDetailApi.as_view(), name="material-issue-detail"),
    path("issues/<int:pk>/submit/", apis.IssueSubmitApi.as_view(), name="material-issue-submit"),
    path("issues/<int:pk>/review/", apis.IssueReviewApi.as_view(), name="material-issue-review"),
    path("issues/<int:pk>/return/", apis.IssueReturnApi.as_view(), name="material-issue-return"),
    path("issues/<int:pk>/cancel/", apis.IssueCancelApi.as_view(), name="material-issue-cancel"),
    path("stocktakes/", apis.StocktakeListApi.as_view(), name="stocktake-list"),
    path("stocktakes/<int:pk>/", apis.StocktakeDetailApi.as_view(), name="stocktake-detail"),
    path("stocktakes/<int:pk>/counts/", apis.StocktakeCountsApi.as_view(), name="stocktake-counts"),
    path("stocktakes/<int:pk>/submit/", apis.StocktakeSubmitApi.as_view(), name="stocktake-submit"),
    path("stocktakes/<int:pk>/review/", apis.StocktakeReviewApi.as_view(), name="stocktake-review"),
]
