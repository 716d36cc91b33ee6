"""A page's refusal as a page: a rule or a bad value (`ApplicationError`) that a staff page
did not handle itself comes back with its status and message — a bad `?date_from=` is a 400
saying which parameter and why, never a server error (or Django's debug page). The API has
its own handler (core.api.exception_handler), which this leaves alone."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from backoffice.core.exceptions import ApplicationError


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
