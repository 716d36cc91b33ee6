from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError, NotAllowed, ValidationFailed


class SelfReviewForbidden(NotAllowed):
    code = "self_review_forbidden"
    default_message = _("You submitted this document, so you cannot review it (four-eyes rule).")


class NotAReviewer(NotAllowed):
    code = "permission_denied"
    default_message = _("You may not review this document at its current level.")


class AlreadyReviewed(ApplicationError):
    status = 409
    code = "already_reviewed"
    default_message = _("You have already decided on this document in this round.")


class ReviewClosed(ApplicationError):
    status = 409
    code = "review_closed"
    default_message = _("This review is closed.")


class ReviewAlreadyOpen(ApplicationError):
    status = 409
    code = "review_open"
    default_message = _("This document is already waiting for review.")


class NoteRequired(ValidationFailed):
    code = "note_required"
    default_message = _("Say why you send the document back.")


class NotSubmitted(ApplicationError):
    status = 409
    code = "not_submitted"
    default_message = _("This document has not been submitted for review.")
