from typing import Any

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from backoffice.audit.models import AuditEvent


def audit_event_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """The whole trail for `view_all_auditevents`; else the trail of the records the user
    may see (each record type by its own rule; a global type's whole trail)."""
    from django.apps import apps

    from backoffice.core.access import is_global, visible_rows

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return AuditEvent.objects.none()
    if user.has_perm("audit.view_all_auditevents"):
        return AuditEvent.objects.all()
    visible = Q(pk__in=[])
    for label in AuditEvent.objects.order_by().values_list("model", flat=True).distinct():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue  # a record type that no longer exists: only the whole trail shows it
        if is_global(label):
            visible |= Q(model=label)
        else:
            ids = visible_rows(model, user).annotate(id_text=Cast("pk", CharField()))
            visible |= Q(model=label, object_id__in=ids.values("id_text"))
    return AuditEvent.objects.filter(visible)


def audit_event_list(*, model: str = "", object_id: str = "") -> QuerySet[AuditEvent]:
    """Audit events, newest first, optionally for one record type and one record."""
    events = AuditEvent.objects.select_related("actor")
    if model:
        events = events.filter(model=model.lower())
    if object_id:
        events = events.filter(object_id=str(object_id))
    return events.order_by("-occurred_at", "-id")


def audit_event_newest_of(records: dict[type, QuerySet], *, limit: int) -> QuerySet[AuditEvent]:
    """The newest `limit` events of the records of several kinds ({model: its rows}), newest
    first, in one statement however many records there are: the records as one query (the
    kind, the id as text as the trail keeps it) joined to the trail by its index on (model,
    object id), as the events' subquery. No list of ids passes through Python, where tens of
    thousands of them would pass SQLite's limit of parameters."""
    kinds = [
        rows.order_by()
        .annotate(trail_model=Value(model._meta.label_lower), trail_id=Cast("pk", CharField()))
        .values_list("trail_model", "trail_id")
        for model, rows in records.items()
    ]
    sql, params = kinds[0].union(*kinds[1:], all=True).order_by().query.sql_with_params()
    # the table's name is ours, the records' query Django's with its values as parameters
    newest = RawSQL(  # noqa: S611
        f"SELECT e.id FROM {AuditEvent._meta.db_table} e JOIN ({sql}) r"  # noqa: S608
        " ON e.model = r.trail_model AND e.object_id = r.trail_id"
        f" ORDER BY e.occurred_at DESC, e.id DESC LIMIT {int(limit)}",
        params,
    )
    return audit_event_list().filter(pk__in=newest)
