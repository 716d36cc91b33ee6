"""The project's URLs plus the sample document's API (tests only)."""

from django.urls import path

from config import urls as project
from tests.testapp import apis

urlpatterns = [
    path("api/v1/testapp/vouchers/<int:pk>/submit/", apis.VoucherSubmitApi.as_view()),
    path("api/v1/testapp/vouchers/<int:pk>/review/", apis.VoucherReviewApi.as_view()),
    *project.urlpatterns,
]
handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
