from typing import Any

from django.db.models import QuerySet

from backoffice.core.models import Notification


def notification_unread_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, is_read=False).order_by("-created_at")
