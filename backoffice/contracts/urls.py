from django.urls import path

from backoffice.contracts import apis

urlpatterns = [
    path("contracts/", apis.ContractListApi.as_view(), name="contract-list"),
    path("contracts/<int:pk>/", apis.ContractDetailApi.as_view(), name="contract-detail"),
    path("contracts/<int:pk>/submit/", apis.ContractSubmitApi.as_view(), name="contract-submit"),
    path("contracts/<int:pk>/review/", apis.ContractReviewApi.as_view(), name="contract-review"),
    path("contracts/<int:pk>/sign/", apis.ContractSignApi.as_view(), name="contract-sign"),
    path("contracts/<int:pk>/terminate/", apis.ContractEndApi.as_view(), name="contract-terminate"),
    path(
        "contracts/<int:pk>/cancel/",
        apis.ContractEndApi.as_view(cancel=True),
        name="contract-cancel",
    ),
    path("templates/", apis.TemplateListApi.as_view(), name="contract-template-list"),
]
