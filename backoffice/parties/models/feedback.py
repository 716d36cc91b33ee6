"""Feedback tickets (客户反馈): complaints, quality issues and requests, with their due
dates and resolution."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.parties.models.customers import Customer


class Feedback(BaseModel):
    """A customer's complaint, inquiry, quality report or suggestion, followed to its end."""

    DELETION = deletion.NEVER

    class Type(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        INQUIRY = "inquiry", _("Inquiry")
        QUALITY = "quality", _("Quality")
        SUGGESTION = "suggestion", _("Suggestion")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    DUE_DAYS = {"urgent": 1, "high": 3, "normal": 7, "low": 14}

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.NEW: {Status.IN_PROGRESS, Status.ANSWERED},
        Status.IN_PROGRESS: {Status.ANSWERED},
        Status.ANSWERED: {Status.CLOSED, Status.IN_PROGRESS},
    }

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="feedback"
    )
    type = models.CharField(_("type"), max_length=16, choices=Type)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority, default=Priority.NORMAL
    )
    description = models.TextField(_("description"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="assigned_feedback",
    )
    due_on = models.DateField(_("due"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.NEW)
    response = models.TextField(_("response"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_type_display()}"

    @property
    def resolve_hours(self) -> int | None:
        """Hours from recording to closing: how long the customer waited."""
        if self.closed_at is None:
            return None
        return int((self.closed_at - self.created_at).total_seconds() // 3600)
