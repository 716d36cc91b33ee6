"""Plain Django views of the customer file (downloads); the admin and the API both use them."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404

from backoffice.core.exceptions import ApplicationError
from backoffice.core.files import download_response
from backoffice.parties.scans import scan_content_type
from backoffice.parties.selectors import access_qualification


def qualification_scan_response(user: Any, pk: Any) -> FileResponse:
    """The scan as an attachment, for those who may see the customer (else 404)."""
    if not user.has_perm("parties.view_qualification"):
        raise PermissionDenied
    try:
        paper = access_qualification(user, pk)
    except ApplicationError as exc:
        raise Http404 from exc
    if not paper.scan:
        raise Http404
    extension = paper.scan.name.rsplit(".", 1)[-1]
    filename = f"{paper.qualification_type.code}-{paper.number}.{extension}"
    return download_response(
        paper.scan, filename=filename, mime_type=scan_content_type(paper.scan.name)
    )
