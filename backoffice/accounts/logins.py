"""Password guessing: one mechanism (django-axes) on both login paths, the API token endpoint
and the staff UI's login page.

- A username is locked after LOGIN_FAILURE_LIMIT failures, from any address; a client address
  after LOGIN_ADDRESS_FAILURE_LIMIT failures, for any usernames (password spraying). The second
  limit is higher: an office behind one address shares it, and a colleague's typos must not
  lock everyone out. Only failures count: the right password is never refused because others
  logged in from the same address.
- The client address is REMOTE_ADDR, or, behind TRUSTED_PROXIES reverse proxies, the address
  the nearest of them saw (X-Forwarded-For read from the right). DRF's NUM_PROXIES is the same
  setting, so a forged X-Forwarded-For counts for nothing on either side.
- Every failure is recorded (axes' access failure log), and shown to admins in the staff UI.
- A locked-out client gets 429 with Retry-After: the error body in the API, the login page
  with the message in the staff UI.
"""

import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from backoffice.core.api import error_body
from backoffice.core.exceptions import ErrorCode


def client_address(request: HttpRequest) -> str:
    """The client's address as DRF's throttles compute it with NUM_PROXIES (the same rule):
    the proxies we run append what they saw, so only the last TRUSTED_PROXIES entries of
    X-Forwarded-For can be trusted; anything to their left the client may have written."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies == 0 or not forwarded:
        return remote
    addresses = forwarded.split(",")
    return addresses[-min(proxies, len(addresses))].strip()


def login_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username as counted: "Zhang.San" and "zhang.san " are one account's attempts."""
    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or {}).get(field)
    if username is None and request is not None:
        username = request.POST.get(field) if request.method == "POST" else None
    if username is None:
        return None
    return str(username).replace("\0", "").strip().lower()


class LoginLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per username and a higher one per address.

    Axes compares one number with one limit; this handler reports the address's failures
    scaled to the username limit, so that each lockout parameter has its own threshold."""

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        by_username, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return max(by_username, scaled)


class LoginLockoutBackend(AxesStandaloneBackend):
    """Axes' check before the password is tried. A login without a request (the shell, a
    test client's login()) comes from no client address, so there is nothing to count."""

    def authenticate(self, request: Any, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def retry_after_seconds(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds()) if cool_off else 0


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed logins. Try again in %(minutes)d minute.",
        "Too many failed logins. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: what a locked-out client sees instead of the login's answer."""
    seconds = retry_after_seconds(request)
    message = lockout_message(seconds)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            error_body(ErrorCode.THROTTLED, message, {"wait_seconds": seconds}), status=429
        )
    elif isinstance(original_response, TemplateResponse) and "form" in (
        original_response.context_data or {}
    ):
        # The login page again, its form saying why, not Django's "wrong password".
        context = dict(original_response.context_data)
        form = context["form"]
        form.errors.clear()
        form.add_error(None, message)
        response = TemplateResponse(
            request, original_response.template_name, context, status=429
        ).render()
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response
