from django.urls import path

from backoffice.expenses import apis

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="expense-category-list"),
    path("budgets/", apis.BudgetListApi.as_view(), name="budget-list"),
    path("applications/", apis.ApplicationListApi.as_view(), name="expense-application-list"),
    path(
        "applications/<int:pk>/",
        apis.ApplicationDetailApi.as_view(),
        name="expense-application-detail",
    ),
    path(
        "applications/<int:pk>/submit/",
        apis.ApplicationSubmitApi.as_view(),
        name="expense-application-submit",
    ),
    path(
        "applications/<int:pk>/review/",
        apis.ApplicationReviewApi.as_view(),
        name="expense-application-review",
    ),
    path(
        "applications/<int:pk>/override/",
        apis.ApplicationOverrideApi.as_view(),
        name="expense-application-override",
    ),
    path(
        "applications/<int:pk>/cancel/",
        apis.ApplicationCancelApi.as_view(),
        name="expense-application-cancel",
    ),
    path(
        "applications/<int:pk>/verify/",
        apis.ApplicationVerifyApi.as_view(),
        name="expense-application-verify",
    ),
    path(
        "verifications/<int:pk>/",
        apis.VerificationDetailApi.as_view(),
        name="expense-verification-detail",
    ),
    path(
        "verifications/<int:pk>/review/",
        apis.VerificationReviewApi.as_view(),
        name="expense-verification-review",
    ),
]
