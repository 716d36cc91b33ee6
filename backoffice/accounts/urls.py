from django.urls import path

from backoffice.accounts import apis

urlpatterns = [
    path("regions/", apis.RegionListApi.as_view(), name="region-list"),
    path("regions/<int:pk>/", apis.RegionDetailApi.as_view(), name="region-detail"),
    path("departments/", apis.DepartmentListApi.as_view(), name="department-list"),
    path("departments/<int:pk>/", apis.DepartmentDetailApi.as_view(), name="department-detail"),
    path("users/", apis.UserListApi.as_view(), name="user-list"),
    path("users/me/", apis.MeApi.as_view(), name="user-me"),
    path("users/<int:pk>/", apis.UserDetailApi.as_view(), name="user-detail"),
]
