"""A page's refusal as a page: a rule or a bad value (`ApplicationError`) that a staff page
did not handle itself comes back with its status and message — a bad `?date_from=` is a 400
saying which parameter and why, never a server error (or Django's debug page). The API has
its own handler (core.api.exception_handler), which this leaves alone."""

import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from backoffice.core.exceptions import ApplicationError, ErrorCode, ValidationFailed


def _text(messages: Any) -> str:
    return " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        return application_error_page(request, exception)


def application_error_page(request: HttpRequest, exception: ApplicationError) -> HttpResponse:
    """The staff UI's page for a refusal: its message and the fields it names."""
    fields = exception.extra.get("fields") if isinstance(exception.extra, dict) else None
    context = {
        **admin.site.each_context(request),
        "title": str(exception.message),
        "fields": [(name, _text(messages)) for name, messages in (fields or {}).items()],
        "back": request.path,
    }
    response = TemplateResponse(
        request, "core/application_error.html", context, status=exception.status
    )
    return response.render()


def application_error_response(request: HttpRequest, exception: ApplicationError) -> HttpResponse:
    """The error body under /api/, the page elsewhere (for refusals made before any view)."""
    if request.path.startswith("/api/"):
        from backoffice.core.api import error_body

        body = error_body(exception.code, exception.message, exception.extra)
        return JsonResponse(body, status=exception.status)
    return application_error_page(request, exception)


# --- NUL characters -----------------------------------------------------------------------------
# PostgreSQL cannot store NUL in text, and a NUL in a filter or a form reached it as a 500.
# No text of this system needs one: every input that carries one is refused here, once, before
# any view, form, filter or admin list sees it. JSON writes NUL as \u0000 (a raw NUL byte is no
# JSON at all); an escaped backslash before it ("\\u0000") is text, not NUL.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _carries_nul(items: Any) -> str | None:
    for name, values in items:
        texts = [getattr(value, "name", value) or "" for value in values]
        if "\x00" in name or any("\x00" in text for text in texts):
            return name.replace("\x00", "") or "?"
    return None


def _nul_field(request: HttpRequest) -> str | None:
    """The name of the first input (query parameter, form field, file name, JSON body) that
    carries a NUL character, or None."""
    found = _carries_nul(request.GET.lists())
    if found is not None or request.method in ("GET", "HEAD", "OPTIONS"):
        return found
    content_type = request.content_type or ""
    if content_type in _FORM_TYPES:
        return _carries_nul(request.POST.lists()) or _carries_nul(request.FILES.lists())
    if content_type == "application/json" or content_type.endswith("+json"):
        return "body" if _JSON_NUL.search(request.body) else None
    return None


class NulCharacterMiddleware:
    """Refuses any input that carries a NUL character: 400 with the error body under /api/, the
    refusal page in the staff UI (after AuthenticationMiddleware: that page shows the menu)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            field = _nul_field(request)
        except RequestDataTooBig:
            if request.path.startswith("/api/"):
                from backoffice.core.api import error_body

                body = error_body(ErrorCode.TOO_LARGE, _("The request body is too large."))
                return JsonResponse(body, status=413)
            raise
        if field is None:
            return self.get_response(request)
        message = _("Text may not contain NUL characters.")
        error = ValidationFailed(message, extra={"fields": {field: [message]}})
        return application_error_response(request, error)


# --- Database outage ----------------------------------------------------------------------------
# When the database cannot be reached (a restart, a failover, a full connection pool), every
# request would fail with a 500. It is a passing condition, not a bug: 503 with Retry-After
# tells clients and load balancers to come back. The answer touches no database.

logger = logging.getLogger(__name__)


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    retry_after = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    message = _("The service is briefly unavailable. Please try again in a moment.")
    if request.path.startswith("/api/"):
        from backoffice.core.api import error_body

        response: HttpResponse = JsonResponse(
            error_body(ErrorCode.UNAVAILABLE, message), status=503
        )
    else:
        html = render_to_string("core/unavailable.html", {"message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = retry_after
    return response


class DatabaseUnavailableMiddleware:
    """A view (or API view) that hit an unreachable database answers 503 with Retry-After.
    The 500 handler (core.api.json_or_html_error) does the same for a failure outside views
    (a session saved after the view)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        logger.error("database unavailable: %s", exception)
        return database_unavailable_response(request)
