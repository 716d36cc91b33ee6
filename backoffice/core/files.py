"""Uploaded files: recognised by content (magic bytes), size-limited, stored under a random
name outside the web root, and served only as downloads by views that check access."""

import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.models import Attachment

# signature → (extension, MIME type). Office files are ZIP containers: the extension given by
# the user decides which, among the ZIP-based types only.
SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}
ZIP_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class InvalidFile(ValidationFailed):
    code = "invalid_file"


def max_upload_bytes() -> int:
    return getattr(settings, "SCAN_MAX_BYTES", 10 * 1024 * 1024)


def sniff(upload: UploadedFile, *, allow_office: bool) -> tuple[str, str]:
    """(extension, MIME type) recognised from the content, or InvalidFile."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise InvalidFile(
            _("The file is %(size)d KB; at most %(limit)d KB is allowed.")
            % {"size": upload.size // 1024, "limit": limit // 1024},
            extra={"fields": {"file": [_("too large")]}},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    claimed = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if allow_office and head.startswith(b"PK\x03\x04") and claimed in ZIP_TYPES:
        return claimed, ZIP_TYPES[claimed]
    allowed = "PDF, JPEG, PNG" + (", XLSX, DOCX" if allow_office else "")
    raise InvalidFile(
        _("Only %s files are accepted.") % allowed,
        extra={"fields": {"file": [_("file type not accepted")]}},
    )


def safe_display_name(name: str) -> str:
    """The user's file name for display only: no directories, no control characters."""
    base = re.split(r"[\\/]", name)[-1]
    return re.sub(r"[\x00-\x1f]", "", base).strip()[:200] or "file"


def named_as(name: str, extension: str) -> str:
    """`name` with the extension of the type its content was recognised as: a file that is
    both a PDF and a web page ("report.html") is kept and offered as "report.pdf", never as
    something a browser would open as a page."""
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return f"{stem or 'file'}.{extension}"


def extension_of(mime_type: str) -> str:
    """The extension we give files of `mime_type` (anything unknown: "bin")."""
    known = {mime: ext for ext, mime in [*SIGNATURES.values(), *ZIP_TYPES.items()]}
    return known.get(mime_type, "bin")


@transaction.atomic
def attachment_add(*, obj: Any, by: Actor, upload: UploadedFile) -> Attachment:
    extension, mime = sniff(upload, allow_office=True)
    original = named_as(safe_display_name(upload.name), extension)
    upload.name = f"{uuid.uuid4().hex}.{extension}"
    attachment = Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        file=upload,
        original_name=original,
        mime_type=mime,
        size=upload.size or 0,
        uploaded_by=by,
    )
    audit_record(
        by=by, action=AuditEvent.Action.ACTION, obj=obj, changes={"attachment": [None, original]}
    )
    return attachment


def attachments_of(obj: Any):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("uploaded_by")


def download_response(file_field: Any, *, filename: str, mime_type: str) -> FileResponse:
    """Every stored file leaves as a download (never shown in the page's origin), named with
    the extension of its recognised type, and with nosniff: a browser never guesses it is a
    page. Every download view goes through here."""
    known = extension_of(mime_type) != "bin"
    response = FileResponse(
        file_field.open("rb"),
        as_attachment=True,
        filename=named_as(safe_display_name(filename), extension_of(mime_type)),
        content_type=mime_type if known else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
