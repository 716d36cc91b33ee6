"""Qualification scans: PDF, JPEG or PNG only, by content (core.files does the sniffing)."""

import uuid

from django.core.files.uploadedfile import UploadedFile

from backoffice.core.files import InvalidFile, sniff
from backoffice.parties.exceptions import InvalidScan


def scan_clean(upload: UploadedFile) -> UploadedFile:
    """Refuse what is not a PDF, JPEG or PNG by content, or too large; rename it safely."""
    try:
        extension, _mime = sniff(upload, allow_office=False)
    except InvalidFile as error:
        problems = error.extra.get("fields", {}).get("file", [])
        raise InvalidScan(error.message, extra={"fields": {"scan": problems}}) from error
    # The user's file name never reaches the disk: no path tricks, no double extensions.
    upload.name = f"{uuid.uuid4().hex}.{extension}"
    return upload


SCAN_CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
OTHER_CONTENT_TYPE = "application/octet-stream"


def scan_content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return SCAN_CONTENT_TYPES.get(extension, OTHER_CONTENT_TYPE)
