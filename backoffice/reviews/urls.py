from django.urls import path

from backoffice.reviews import apis

urlpatterns = [path("pending/", apis.ReviewPendingListApi.as_view(), name="review-pending")]
