"""API plumbing shared by every app: the error body, pagination, HTTP error pages."""

import sys
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import authentication, serializers
from rest_framework import exceptions as drf
from rest_framework.authtoken.models import Token
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from backoffice.core.exceptions import ApplicationError, ErrorCode, ValidationFailed
from backoffice.core.filters import MAX_ID, IsoDateField, is_ascii_digits
from backoffice.core.middleware import database_unavailable_response, is_database_unavailable
from backoffice.core.prepared import PreparedRead


class StrictLimitOffset(LimitOffsetPagination):
    """limit/offset as the schema declares them: ASCII whole numbers, `limit` at least 1 (one
    above `max_limit` is cut to it), `offset` at least 0. Anything else is a 400 naming the
    parameter, never silently the first page (DRF's own falls back); empty is "not given"."""

    def _whole_number(self, request: Any, name: str, default: Any, minimum: int) -> Any:
        raw = request.query_params.get(name, "")
        if raw == "":
            return default
        if not is_ascii_digits(raw) or not minimum <= int(raw) <= MAX_ID:
            message = _("a whole number, at least %(minimum)d") % {"minimum": minimum}
            raise ValidationFailed(extra={"fields": {name: [message]}})
        return int(raw)

    def get_limit(self, request: Any) -> Any:
        self.get_offset(request)  # refused even where no page is asked for (a report's rows)
        limit = self._whole_number(request, self.limit_query_param, self.default_limit, 1)
        return min(limit, self.max_limit) if limit and self.max_limit else limit

    def get_offset(self, request: Any) -> int:
        return self._whole_number(request, self.offset_query_param, 0, 0)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low = 1 if parameter["name"] == self.limit_query_param else 0
            parameter["schema"].update(minimum=low, maximum=MAX_ID)
        return parameters


class Pagination(StrictLimitOffset):
    """limit/offset pages. A deep page costs little: its ids come first, from the list's
    ordering index alone, and only those rows are read (a "deferred join")."""

    default_limit = 50
    max_limit = 500

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        self.count = self.get_count(queryset)
        if self.count == 0 or self.offset > self.count:
            return []
        ids = list(
            queryset.prefetch_related(None).values_list("pk", flat=True)[
                self.offset : self.offset + self.limit
            ]
        )
        rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
        return [rows[pk] for pk in ids if pk in rows]


def error_body(code: str, message: Any, extra: dict | None = None) -> dict[str, Any]:
    return {"code": str(code), "message": str(message), "extra": extra or {}}


def _validation_fields(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _validation_fields(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_validation_fields(value) for value in detail]
    return str(detail)


def _from_drf(exc: drf.APIException) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, drf.ValidationError):
        return 400, error_body(
            ErrorCode.INVALID,
            _("Some values are not valid."),
            {"fields": _validation_fields(exc.detail)},
        )
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return 401, error_body(ErrorCode.NOT_AUTHENTICATED, exc.detail)
    if isinstance(exc, drf.PermissionDenied):
        return 403, error_body(ErrorCode.PERMISSION_DENIED, exc.detail)
    if isinstance(exc, drf.NotFound):
        return 404, error_body(ErrorCode.NOT_FOUND, _("Not found."))
    if isinstance(exc, drf.MethodNotAllowed):
        return 405, error_body(ErrorCode.METHOD_NOT_ALLOWED, exc.detail)
    if isinstance(exc, drf.Throttled):
        return 429, error_body(ErrorCode.THROTTLED, exc.detail, {"wait_seconds": exc.wait})
    if isinstance(exc, drf.UnsupportedMediaType):
        return 415, error_body(ErrorCode.UNSUPPORTED_MEDIA_TYPE, exc.detail)
    if isinstance(exc, drf.ParseError):
        return 400, error_body(ErrorCode.INVALID, exc.detail)
    return exc.status_code, error_body(exc.default_code, exc.detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler: every error body is {code, message, extra} (STYLE §8)."""
    if isinstance(exc, ApplicationError):
        status, body = exc.status, error_body(exc.code, exc.message, exc.extra)
    elif isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        status, body = (
            400,
            error_body(ErrorCode.INVALID, _("Some values are not valid."), {"fields": fields}),
        )
    elif isinstance(exc, ProtectedError | RestrictedError):
        # a delete that other records still point at (PROTECT/RESTRICT): a conflict, not a 500
        message = _("Other records refer to this one: it cannot be deleted.")
        status, body = 409, error_body(ErrorCode.CONFLICT, message)
    elif isinstance(exc, RequestDataTooBig):
        status, body = 413, error_body(ErrorCode.TOO_LARGE, _("The request body is too large."))
    elif isinstance(exc, Http404):
        status, body = 404, error_body(ErrorCode.NOT_FOUND, _("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        status, body = (
            403,
            error_body(ErrorCode.PERMISSION_DENIED, _("You are not allowed to do this.")),
        )
    elif isinstance(exc, drf.APIException):
        status, body = _from_drf(exc)
    else:
        return None
    response = Response(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response


_STATUS_CODES = {
    400: (ErrorCode.INVALID, gettext_lazy("Bad request.")),
    403: (ErrorCode.PERMISSION_DENIED, gettext_lazy("You are not allowed to do this.")),
    404: (ErrorCode.NOT_FOUND, gettext_lazy("Not found.")),
    500: (ErrorCode.SERVER_ERROR, gettext_lazy("Server error.")),
}


def staff_error_page(
    request: HttpRequest, status: int, exception: Exception | None
) -> HttpResponse:
    """A refusal (403) or a missing page (404) as a page of the staff UI, in the user's
    language, with the way home. A refusal says why when it was given a reason (a forged
    field, named); a missing page never echoes its exception (a query, a path)."""
    from django.contrib import admin
    from django.template.response import TemplateResponse

    if status == 403:
        title = _("You are not allowed to open this page.")
        reason = str(exception or "") if isinstance(exception, DjangoPermissionDenied) else ""
        detail = reason or _("If you need it, ask an administrator for the permission.")
    else:
        title = _("This page does not exist, or you may not see it.")
        detail = _("Check the address, or start again from the dashboard.")
    context = {**admin.site.each_context(request), "title": title, "detail": detail}
    try:
        response = TemplateResponse(request, "core/error_page.html", context, status=status)
        return response.render()
    except Exception:  # an error page must not fail: Django's plain one then
        if status == 404:
            return defaults.page_not_found(request, exception)
        return defaults.permission_denied(request, exception)


def json_or_html_error(status: int):
    """Django's error pages, but JSON {code, message, extra} under /api/."""

    def view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if status == 500 and is_database_unavailable(sys.exc_info()[1]):
            return database_unavailable_response(request)  # a failure outside any view
        if request.path.startswith("/api/"):
            code, message = _STATUS_CODES[status]
            return JsonResponse(error_body(code, message), status=status)
        if status in (403, 404):
            return staff_error_page(request, status, exception)
        if status == 400:
            return defaults.bad_request(request, exception)
        return defaults.server_error(request)

    return view


def paginated_schema(serializer_class: type, name: str):
    """The OpenAPI shape of a paginated list of `serializer_class` (for extend_schema)."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    return inline_serializer(
        name=f"Paginated{name}List",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def paginate(request: Any, queryset: Any, serializer_class: type, view: Any) -> Response:
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def filtered(request: Any, filterset_class: type, queryset: Any) -> Any:
    """The rows of `queryset` (already what the caller may see) that the request's query
    parameters select through `filterset_class`; a bad value is a 400 naming the parameter,
    never a filter silently dropped."""
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
        raise ValidationFailed(extra={"fields": fields})
    return filterset.qs


def query_date(params: Any, name: str, default: Any) -> Any:
    """A YYYY-MM-DD query parameter (API or page), the default when absent, 400 when bad:
    read as the lists' filters read dates (core.filters.IsoDateField)."""
    raw = params.get(name)
    if not raw:
        return default
    try:
        return IsoDateField().clean(raw)
    except DjangoValidationError as error:
        raise ValidationFailed(extra={"fields": {name: error.messages}}) from None


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's, except that a code with a NUL character is not found without asking the
    database: PostgreSQL refuses such a text with an error, not a miss (a 500 found by
    the API fuzzing)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


_token_with_user = PreparedRead(
    lambda key: Token.objects.select_related("user").filter(key=key), str
)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, with its read of the token and its user built once per process (core.prepared:
    every API request asks it), and a key that no token can have (too long, a NUL, which
    PostgreSQL refuses with an error) refused as invalid without asking the database."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        width = Token._meta.get_field("key").max_length
        found = [] if len(key) > width or "\x00" in key else _token_with_user(key)
        if not found:
            raise drf.AuthenticationFailed(_("Invalid token."))
        token = found[0]
        if not token.user.is_active:
            raise drf.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
