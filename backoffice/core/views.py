"""Plain views of the platform: attachment downloads, opening a notification."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from backoffice.core.access import access_object, visible_rows
from backoffice.core.exceptions import ApplicationError
from backoffice.core.files import download_response
from backoffice.core.models import Attachment, Notification


@staff_member_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, for those who may see the record it is attached to (else 404)."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    model = attachment.content_type.model_class()
    opts = model._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise PermissionDenied
    try:
        access_object(visible_rows(model, request.user), attachment.object_id)
    except ApplicationError as exc:
        raise Http404 from exc
    return download_response(
        attachment.file, filename=attachment.original_name, mime_type=attachment.mime_type
    )


@staff_member_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Follow a notification's link and mark it read (only one's own notifications)."""
    note = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if note is None:
        raise Http404
    if not note.is_read:
        Notification.objects.filter(pk=note.pk).update(is_read=True)
    target = note.url if url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) else "/"
    return HttpResponseRedirect(target or "/")
