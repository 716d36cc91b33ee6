from typing import Any

from django.db.models import Q, QuerySet

from backoffice.core.access import visible_rows
from backoffice.core.models import Attachment, Notification


def notification_unread_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, is_read=False).order_by("-created_at")


def notification_visible_to(user: Any) -> QuerySet[Notification]:
    """One's own notifications only."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def attachment_visible_to(user: Any) -> QuerySet[Attachment]:
    """A file is visible when the record it is attached to is (by that record's own rule)."""
    from django.contrib.contenttypes.models import ContentType

    attached = Attachment.objects.order_by().values_list("content_type", flat=True).distinct()
    visible = Q(pk__in=[])
    for content_type in ContentType.objects.filter(pk__in=attached):
        model = content_type.model_class()
        if model is None:
            continue
        records = visible_rows(model, user).order_by().values("pk")
        visible |= Q(content_type=content_type, object_id__in=records)
    return Attachment.objects.filter(visible)


def own_rows_visible_to(field: str):
    """A visibility rule for rows that belong to one person (a token, a login record):
    one's own; every row for superusers."""

    def visible_to(model: Any, user: Any) -> QuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return model._default_manager.none()
        if user.is_superuser:
            return model._default_manager.all()
        return model._default_manager.filter(**{field: user})

    return visible_to


def superusers_only(model: Any, user: Any) -> QuerySet:
    """Rows that belong to nobody a person may see (sessions): superusers only."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return model._default_manager.all()
    return model._default_manager.none()
