from django.db.models import QuerySet

from backoffice.audit.models import AuditEvent


def audit_event_list(*, model: str = "", object_id: str = "") -> QuerySet[AuditEvent]:
    """Audit events, newest first, optionally for one record type and one record."""
    events = AuditEvent.objects.select_related("actor")
    if model:
        events = events.filter(model=model.lower())
    if object_id:
        events = events.filter(object_id=str(object_id))
    return events.order_by("-occurred_at", "-id")
