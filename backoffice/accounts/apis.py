"""/api/v1/accounts/…: regions and departments (admins write, everyone reads), the user
directory (read-only), and the token login."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.accounts.filters import DepartmentFilter, RegionFilter, UserFilter
from backoffice.accounts.models import Department, Region
from backoffice.accounts.selectors import department_list, region_list, user_directory, user_list
from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import access_object, require_perm
from backoffice.core.api import filtered, paginate, paginated_schema
from backoffice.core.exceptions import ApplicationError
from backoffice.core.services import model_delete, model_save
from backoffice.core.versions import detail_response, expected_version


class InvalidCredentials(ApplicationError):
    status = 400
    code = "invalid_credentials"


class TokenObtainApi(APIView):
    """Exchange a username and password for an API token (`Authorization: Token …`).

    Failed attempts lock the username, then the client address, out for a while
    (accounts.logins): 429 with Retry-After."""

    permission_classes = [AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

        class Meta:
            ref_name = "TokenRequest"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

        class Meta:
            ref_name = "Token"

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            429: OpenApiResponse(
                description="Locked out after too many failed logins (see Retry-After)."
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            # Disabled users fail here too: ModelBackend refuses inactive accounts.
            raise InvalidCredentials(_("Wrong username or password, or the account is disabled."))
        token, _created = Token.objects.get_or_create(user=user)
        audit_record(by=user, action=AuditEvent.Action.ACTION, obj=user, note="api token login")
        return Response(self.OutputSerializer({"token": token.key}).data)


class CodeNameOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    is_active = serializers.BooleanField()


class CodeNameInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=32)
    name = serializers.CharField(max_length=100)
    is_active = serializers.BooleanField(default=True)


class _CodeNameApi(APIView):
    """Shared shape of the two code/name master lists (regions, departments)."""

    model: type[Region] | type[Department]
    selector = staticmethod(region_list)

    def perm(self, verb: str) -> str:
        return f"accounts.{verb}_{self.model._meta.model_name}"

    def rows(self):
        return self.selector()


class _CodeNameListApi(_CodeNameApi):
    filterset_class: type = RegionFilter

    @extend_schema(responses={200: paginated_schema(CodeNameOutputSerializer, "CodeName")})
    def get(self, request: Request) -> Response:
        rows = filtered(request, self.filterset_class, self.rows())
        return paginate(request, rows, CodeNameOutputSerializer, self)

    @extend_schema(request=CodeNameInputSerializer, responses={201: CodeNameOutputSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, self.perm("add"))
        data = CodeNameInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = model_save(instance=self.model(**data.validated_data), by=request.user)
        return Response(CodeNameOutputSerializer(obj).data, status=201)


class _CodeNameDetailApi(_CodeNameApi):
    @extend_schema(responses={200: CodeNameOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_object(self.rows(), pk), CodeNameOutputSerializer)

    @extend_schema(request=CodeNameInputSerializer, responses={200: CodeNameOutputSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        require_perm(request.user, self.perm("change"))
        obj = access_object(self.rows(), pk)
        data = CodeNameInputSerializer(obj, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        for name, value in data.validated_data.items():
            setattr(obj, name, value)
        saved = model_save(
            instance=obj, by=request.user, expected_version=expected_version(request)
        )
        return detail_response(saved, CodeNameOutputSerializer)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        require_perm(request.user, self.perm("delete"))
        model_delete(instance=access_object(self.rows(), pk), by=request.user)
        return Response(status=204)


class RegionListApi(_CodeNameListApi):
    model = Region


class RegionDetailApi(_CodeNameDetailApi):
    model = Region


class DepartmentListApi(_CodeNameListApi):
    model = Department
    selector = staticmethod(department_list)
    filterset_class = DepartmentFilter


class DepartmentDetailApi(_CodeNameDetailApi):
    model = Department
    selector = staticmethod(department_list)


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")
    email = serializers.CharField(help_text="An e-mail address, or empty when none is known.")
    roles = serializers.ListField(child=serializers.CharField(), source="role_codes")
    regions = serializers.SerializerMethodField()

    def get_regions(self, user) -> list[str]:
        return sorted(r.code for r in user.regions.all())


class UserListApi(APIView):
    """The user directory, for those who assign owners and reviewers."""

    filterset_class = UserFilter

    @extend_schema(responses={200: paginated_schema(UserOutputSerializer, "User")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "accounts.view_user")
        users = filtered(request, self.filterset_class, user_list(by=request.user))
        return paginate(request, users, UserOutputSerializer, self)


class UserDetailApi(APIView):
    @extend_schema(responses={200: UserOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        person = access_object(user_directory(by=request.user), pk)
        return detail_response(person, UserOutputSerializer)


class MeApi(APIView):
    """Who am I: the logged-in user's own directory entry."""

    @extend_schema(
        operation_id="v1_accounts_users_me_retrieve", responses={200: UserOutputSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(request.user).data)
