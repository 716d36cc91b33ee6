from django.urls import path

from backoffice.parties import apis

urlpatterns = [
    path("customers/", apis.CustomerListApi.as_view(), name="customer-list"),
    path("customers/import/", apis.CustomerImportApi.as_view(), name="customer-import"),
    path(
        "customer-imports/<int:pk>/",
        apis.CustomerImportDetailApi.as_view(),
        name="customer-import-detail",
    ),
    path(
        "customer-imports/<int:pk>/retry/",
        apis.CustomerImportRetryApi.as_view(),
        name="customer-import-retry",
    ),
    path("customers/<int:pk>/", apis.CustomerDetailApi.as_view(), name="customer-detail"),
    path(
        "customers/<int:pk>/trade-block/", apis.TradeBlockApi.as_view(), name="customer-trade-block"
    ),
    path(
        "customers/<int:pk>/terms-changes/",
        apis.CustomerTermsChangeListApi.as_view(),
        name="customer-terms-changes",
    ),
    path(
        "terms-changes/<int:pk>/review/",
        apis.CustomerTermsChangeReviewApi.as_view(),
        name="terms-change-review",
    ),
    path("customers/<int:pk>/contacts/", apis.ContactListApi.as_view(), name="customer-contacts"),
    path(
        "customers/<int:pk>/qualifications/",
        apis.QualificationListApi.as_view(),
        name="customer-qualifications",
    ),
    path(
        "qualifications/<int:pk>/",
        apis.QualificationDetailApi.as_view(),
        name="qualification-detail",
    ),
    path(
        "qualifications/<int:pk>/scan/",
        apis.QualificationScanApi.as_view(),
        name="qualification-scan",
    ),
    path(
        "qualifications/<int:pk>/submit/",
        apis.QualificationSubmitApi.as_view(),
        name="qualification-submit",
    ),
    path(
        "qualifications/<int:pk>/review/",
        apis.QualificationReviewApi.as_view(),
        name="qualification-review",
    ),
    path("calls/", apis.CallListApi.as_view(), name="call-list"),
    path("visits/", apis.VisitListApi.as_view(), name="visit-list"),
    path("feedback/", apis.FeedbackListApi.as_view(), name="feedback-list"),
    path("feedback/<int:pk>/start/", apis.FeedbackStepApi.as_view(step="start")),
    path("feedback/<int:pk>/answer/", apis.FeedbackStepApi.as_view(step="answer")),
    path("feedback/<int:pk>/close/", apis.FeedbackStepApi.as_view(step="close")),
]
