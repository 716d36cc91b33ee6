"""Uploaded scans: checked by content (magic bytes), size-limited, renamed, never served
directly — only through a view that checks the customer is visible."""

import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from backoffice.parties.exceptions import InvalidScan

SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}


def scan_max_bytes() -> int:
    return getattr(settings, "SCAN_MAX_BYTES", 10 * 1024 * 1024)


def scan_kind(head: bytes) -> tuple[str, str] | None:
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def scan_clean(upload: UploadedFile) -> UploadedFile:
    """Refuse what is not a PDF, JPEG or PNG by content, or too large; rename it safely."""
    limit = scan_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise InvalidScan(
            _("The scan is %(size)d KB; at most %(limit)d KB is allowed.")
            % {"size": upload.size // 1024, "limit": limit // 1024},
            extra={"fields": {"scan": [_("too large")]}},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = scan_kind(head)
    if kind is None:
        raise InvalidScan(extra={"fields": {"scan": [_("not a PDF, JPEG or PNG file")]}})
    # The user's file name never reaches the disk: no path tricks, no double extensions.
    upload.name = f"{uuid.uuid4().hex}.{kind[0]}"
    return upload


def scan_content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return dict(SIGNATURES.values()).get(extension, "application/octet-stream")
