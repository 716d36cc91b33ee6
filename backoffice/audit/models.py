from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion


class AuditEvent(models.Model):
    """One change of one business record: who, when (UTC), what, and before/after values.

    Append-only: database triggers refuse UPDATE and DELETE (see guard.py).
    """

    DELETION = deletion.NEVER

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        TRANSITION = "transition", _("Status changed")
        NUMBER = "number", _("Numbered")
        ACTION = "action", _("Action")
        IMPORT = "import", _("Imported")

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action)
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["model", "object_id", "occurred_at"])]
        permissions = [("view_all_auditevents", _("Can read the whole audit trail"))]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model} #{self.object_id}"
