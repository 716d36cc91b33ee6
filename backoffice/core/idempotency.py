"""Idempotent POSTs: a retry, a double click, a resubmission after a slow answer does the
work once (issue 15 §12).

A POST carries a key: the API in the `Idempotency-Key` header, the staff UI in the form
field `idempotency_key` (core/static/core/idempotency.js puts one in every POST form). The
first request with a key claims it (a row, unique per user and key, written before the work)
and its answer is kept; the same key and the same request (method, path, body) from the same
user gets that answer back, marked `Idempotent-Replayed: true`, without doing it again:

- the same key with another request is refused: 409 `idempotency_key_reused`;
- while the first is still running, the second waits for it (IDEMPOTENCY_WAIT_SECONDS),
  then gets 409 `idempotency_key_in_progress`;
- a request that fails (an exception, a 500) releases its key. One whose process died (a
  worker killed, a machine lost) cannot: its key stays claimed, with no answer. After
  IDEMPOTENCY_STALE_SECONDS (longer than any request may run: the server's worker timeout,
  gunicorn's --timeout, 30 s by default) its owner is taken for gone, and the next retry
  takes the key over and does the work. The takeover is a conditional update of the claim's
  time, so that of two retries at once only one takes it, and the row belongs to the claim:
  only the request that claimed it last keeps its answer in it or releases it;
- an answer that did nothing is not kept: the key is released, and a retry runs again. That
  is a status of 400 or more (services are atomic: a refusal rolls everything back) and, for
  a staff page, anything but a redirect (a form shown again with its errors);
- keys expire after IDEMPOTENCY_KEY_HOURS (the daily job `idempotency_keys_expire`).

A request without a key, or from nobody logged in (the token endpoint, the login page), is
served as before.
"""

import hashlib
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext

from backoffice.core.exceptions import (
    ApplicationError,
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    ValidationFailed,
)
from backoffice.core.models import IdempotencyKey

HEADER = "HTTP_IDEMPOTENCY_KEY"
FORM_FIELD = "idempotency_key"
REPLAYED_HEADER = "Idempotent-Replayed"
# The headers of an answer that make it the same answer when replayed.
KEPT_HEADERS = ("Content-Type", "Location", "Content-Disposition", "ETag")
MAX_KEY_LENGTH = 255
# Larger answers (a download) are not kept: the request is then not deduplicated.
MAX_KEPT_BODY = 1024 * 1024
# Form fields that differ between two submissions of the same form without meaning anything.
IGNORED_FORM_FIELDS = frozenset({"csrfmiddlewaretoken", FORM_FIELD})


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _key(request: HttpRequest) -> str | None:
    if _is_api(request):
        key = request.META.get(HEADER, "")
    else:
        content_type = request.content_type or ""
        if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        key = request.POST.get(FORM_FIELD, "")
    key = key.strip()
    return key or None


def _api_user(request: HttpRequest) -> Any:
    """The user the DRF view will see (token or session), or None when authentication fails
    (the view itself then answers 401/403)."""
    from rest_framework.views import APIView

    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    view_class = getattr(match.func, "cls", None)
    if view_class is None or not issubclass(view_class, APIView):
        return None
    view = view_class(**getattr(match.func, "initkwargs", {}))
    view.args, view.kwargs = match.args, match.kwargs
    try:
        return view.initialize_request(request).user
    except Exception:  # any refusal of authentication: the view gives the answer
        return None


def _user(request: HttpRequest) -> Any:
    user = _api_user(request) if _is_api(request) else getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    content_type = request.content_type or ""
    if _is_api(request) and content_type != "multipart/form-data":
        digest.update(request.body)
        return digest.hexdigest()
    # a form: its fields (in order, but not the token or key) and its files' contents
    for name, values in request.POST.lists():
        if name not in IGNORED_FORM_FIELDS:
            for value in values:
                digest.update(f"{name}={value}\n".encode())
    for name, files in request.FILES.lists():
        for upload in files:
            digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _expired_before() -> Any:
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def _stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_STALE_SECONDS)


def idempotency_key_claim(*, user: Any, key: str, fingerprint: str) -> IdempotencyKey:
    """Claim `key` for a new request: its row, without an answer (`status_code` None), and
    its `created_at` telling this claim from a later takeover; or the finished first
    request's row, to replay. Raises IdempotencyKeyReused or, after waiting,
    IdempotencyKeyInProgress."""
    deadline = time.monotonic() + settings.IDEMPOTENCY_WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(user=user, key=key).first()
        if row is None:  # the first request was refused meanwhile and released the key
            continue
        if row.created_at < _expired_before():
            IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).delete()
            continue
        if row.fingerprint != fingerprint:
            raise IdempotencyKeyReused(extra={"key": key})
        if row.status_code is not None:
            return row
        if row.created_at < _stale_before():  # its request died: take the key over
            now = timezone.now()
            claim = IdempotencyKey.objects.filter(
                pk=row.pk, created_at=row.created_at, status_code__isnull=True
            )
            if claim.update(created_at=now):
                row.created_at = now
                return row
            continue  # another retry took it first
        if time.monotonic() >= deadline:
            raise IdempotencyKeyInProgress(extra={"key": key})
        time.sleep(0.05)


def _claimed(claim: IdempotencyKey) -> Any:
    """The claim's row, while it is still this request's (not answered, not taken over)."""
    return IdempotencyKey.objects.filter(
        pk=claim.pk, created_at=claim.created_at, status_code__isnull=True
    )


def _done(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the answer says the work was done: any success from the API; from a staff
    page only a redirect (Django's forms answer 200 with the form when they refuse)."""
    if _is_api(request):
        return response.status_code < 400
    return 300 <= response.status_code < 400


def idempotency_key_finish(
    *, request: HttpRequest, claim: IdempotencyKey, response: HttpResponse
) -> None:
    """Keep the answer to replay it, or release the key when nothing was done (or the
    answer cannot be kept)."""
    rows = _claimed(claim)
    keep = (
        _done(request, response)
        and not response.streaming
        and len(response.content) <= MAX_KEPT_BODY
    )
    if not keep:
        rows.delete()
        return
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    rows.update(status_code=response.status_code, headers=headers, body=bytes(response.content))


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status_code)
    for name, value in row.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _refusal(request: HttpRequest, error: ApplicationError, get_response: Any) -> HttpResponse:
    if _is_api(request):
        from backoffice.core.api import error_body

        return JsonResponse(error_body(error.code, error.message, error.extra), status=error.status)
    from backoffice.core.middleware import ApplicationErrorMiddleware

    return ApplicationErrorMiddleware(get_response).process_exception(request, error)


class IdempotencyMiddleware:
    """Every POST with a key, API or staff page, is done once per key (see the module)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        key = _key(request)
        user = _user(request) if key else None
        if user is None:
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            message = gettext("At most %(count)d characters.") % {"count": MAX_KEY_LENGTH}
            error = ValidationFailed(extra={"fields": {"Idempotency-Key": [message]}})
            return _refusal(request, error, self.get_response)
        try:
            claim = idempotency_key_claim(user=user, key=key, fingerprint=_fingerprint(request))
        except ApplicationError as error:
            return _refusal(request, error, self.get_response)
        if claim.status_code is not None:
            return _replay(claim)
        try:
            response = self.get_response(request)
        except BaseException:
            _claimed(claim).delete()
            raise
        idempotency_key_finish(request=request, claim=claim, response=response)
        return response


def idempotency_keys_expire() -> dict[str, Any]:
    """The daily job: forget the keys older than IDEMPOTENCY_KEY_HOURS."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=_expired_before()).delete()
    return {"deleted": deleted}
