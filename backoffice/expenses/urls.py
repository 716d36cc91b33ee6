from django.urls import path

from backoffice.expenses import apis

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="expense-category-list"),
    path("budgets/", apis.BudgetListApi.as_view(), name="budget-list"),
    path("budgets/import/", apis.BudgetImportApi.as_view(), name="budget-import"),
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
        "applications/<int:pk>/attachments/",
        apis.ApplicationAttachApi.as_view(),
        name="expense-application-attach",
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

urlpatterns += [
    path("petty-cash/floats/", apis.FloatListApi.as_view(), name="petty-cash-float-list"),
    path(
        "petty-cash/floats/<int:pk>/",
        apis.FloatDetailApi.as_view(),
        name="petty-cash-float-detail",
    ),
    path(
        "petty-cash/floats/<int:pk>/return/",
        apis.FloatReturnApi.as_view(),
        name="petty-cash-float-return",
    ),
    path("petty-cash/entries/", apis.EntryListApi.as_view(), name="petty-cash-entry-list"),
    path(
        "petty-cash/entries/<int:pk>/",
        apis.EntryDetailApi.as_view(),
        name="petty-cash-entry-detail",
    ),
    path(
        "petty-cash/settlements/",
        apis.SettlementListApi.as_view(),
        name="petty-cash-settlement-list",
    ),
    path(
        "petty-cash/settlements/<int:pk>/",
        apis.SettlementDetailApi.as_view(),
        name="petty-cash-settlement-detail",
    ),
    path(
        "petty-cash/settlements/<int:pk>/submit/",
        apis.SettlementSubmitApi.as_view(),
        name="petty-cash-settlement-submit",
    ),
    path(
        "petty-cash/settlements/<int:pk>/review/",
        apis.SettlementReviewApi.as_view(),
        name="petty-cash-settlement-review",
    ),
]
