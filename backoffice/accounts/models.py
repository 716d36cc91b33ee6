from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel


class Region(BaseModel):
    """A sales region (华北, 华东…): reps and regional managers belong to regions."""

    DELETION = deletion.ALWAYS

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(BaseModel):
    DELETION = deletion.ALWAYS

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Roles are groups whose names are the stable role codes."""

    # Someone who has acted (anything in the audit trail) stays: deactivate them instead.
    DELETION = deletion.when(lambda user: not user.has_acted())

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions"), blank=True, related_name="members"
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "The language of the mail sent to this person; set when they switch the language "
            "in the staff UI. Empty: the site's default."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        permissions = [("view_all_users", _("Can see the users of every region"))]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def has_acted(self) -> bool:
        """Anything in the audit trail by this user (audit sits below accounts)."""
        from backoffice.audit.models import AuditEvent

        return AuditEvent.objects.filter(actor=self).exists()

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    @property
    def role_codes(self) -> list[str]:
        return sorted(g.name for g in self.groups.all())
