"""The company's own particulars (CompanySettings): read by every print for the letterhead,
and by sealed documents for the seal image. Images are embedded as data URIs, so that the
HTML page and the PDF show them without serving the uploads publicly."""

import base64
import mimetypes
from typing import Any

from backoffice.core.models import CompanySettings


def company_settings() -> CompanySettings | None:
    """The one row of company settings, or None before an administrator fills it in."""
    return CompanySettings.objects.filter(pk=CompanySettings.SINGLETON_ID).first()


def image_data_uri(image: Any) -> str:
    """`data:image/...;base64,...` for an ImageField's file; "" when there is none or it is
    missing from the storage."""
    if not image or not image.name:
        return ""
    try:
        with image.storage.open(image.name, "rb") as handle:
            content = handle.read()
    except OSError:
        return ""
    mime = mimetypes.guess_type(image.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
