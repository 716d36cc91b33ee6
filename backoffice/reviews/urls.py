from django.urls import path

from backoffice.reviews import apis

urlpatterns = [
    path("pending/", apis.ReviewPendingListApi.as_view(), name="review-pending"),
    path("reversals/<int:pk>/review/", apis.ReversalReviewApi.as_view(), name="reversal-review"),
]
