"""Business errors. Each broken rule is a subclass with a stable code and an HTTP kind.

The API renders them as {"code", "message", "extra"}; admin actions show the message;
management commands exit non-zero with it (STYLE §8).
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    INVALID = "invalid", _("Invalid input")
    NOT_AUTHENTICATED = "not_authenticated", _("Not logged in")
    PERMISSION_DENIED = "permission_denied", _("Not allowed")
    NOT_FOUND = "not_found", _("Not found")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("Method not allowed")
    INVALID_TRANSITION = "invalid_transition", _("Invalid status change")
    CONFLICT = "conflict", _("Conflict")
    NOT_DELETABLE = "not_deletable", _("Cannot be deleted")
    THROTTLED = "throttled", _("Too many requests")
    TOO_LARGE = "too_large", _("Request too large")
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", _("Unsupported media type")
    SERVER_ERROR = "server_error", _("Server error")
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused", _("Idempotency key reused")
    IDEMPOTENCY_KEY_IN_PROGRESS = "idempotency_key_in_progress", _("Request in progress")
    PRECONDITION_FAILED = "precondition_failed", _("Changed by someone else")
    PRECONDITION_REQUIRED = "precondition_required", _("Version required")
    UNAVAILABLE = "unavailable", _("Service unavailable")


class ApplicationError(Exception):
    """A rule of the business was broken. `status` says which HTTP kind it is."""

    status = 409
    code: str = ErrorCode.CONFLICT
    default_message = _("This is not allowed in the document's current state.")

    def __init__(
        self, message: Any = None, *, code: str | None = None, extra: dict | None = None
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.extra = extra or {}
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    """Bad input: field errors go in extra["fields"]."""

    status = 400
    code = ErrorCode.INVALID
    default_message = _("Some values are not valid.")


class NotAllowed(ApplicationError):
    status = 403
    code = ErrorCode.PERMISSION_DENIED
    default_message = _("You are not allowed to do this.")


class NotFound(ApplicationError):
    """Missing and not visible look the same: both are 'not found'."""

    status = 404
    code = ErrorCode.NOT_FOUND
    default_message = _("Not found.")


class InvalidTransition(ApplicationError):
    status = 409
    code = ErrorCode.INVALID_TRANSITION
    default_message = _("This status change is not allowed.")


class IdempotencyKeyReused(ApplicationError):
    """The same Idempotency-Key came with another request (another body or path)."""

    status = 409
    code = ErrorCode.IDEMPOTENCY_KEY_REUSED
    default_message = _(
        "This idempotency key was already used for another request. Use a new key for a new"
        " request."
    )


class IdempotencyKeyInProgress(ApplicationError):
    """The first request with this key has not finished yet."""

    status = 409
    code = ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS
    default_message = _("The same request is still being processed. Wait a moment, then try again.")


class PreconditionFailed(ApplicationError):
    """The record changed since the version the caller read (If-Match, a change form)."""

    status = 412
    code = ErrorCode.PRECONDITION_FAILED
    default_message = _(
        "Someone else changed this record since you read it. Read it again, then repeat"
        " your change."
    )


class PreconditionRequired(ApplicationError):
    status = 428
    code = ErrorCode.PRECONDITION_REQUIRED
    default_message = _("Send If-Match with the ETag of the version you read.")
