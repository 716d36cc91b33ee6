"""A change form saves only over the version it was loaded with (issue 15 §13).

The form carries a marker of what its page showed: the record's version (core.versions) and
the last audit event of the record then. Saving over a newer version is refused on the form
itself, the user's input kept, with what changed meanwhile from the audit trail: each field,
the value entered, the value now, who changed it and when. The form then carries the new
version: saving again, after reading, keeps the user's values on purpose.
"""

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import field_values, model_label
from backoffice.core.versions import version_of

FIELD = "_loaded_version"


def _last_event_id(obj: models.Model) -> int:
    last = (
        AuditEvent.objects.filter(model=model_label(obj), object_id=str(obj.pk))
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return last or 0


def loaded_marker(obj: models.Model) -> str | None:
    """What a change form of `obj` carries: "<version>.<last audit event id>"."""
    version = version_of(obj)
    return None if version is None else f"{version}.{_last_event_id(obj)}"


def _form_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet):
        return [o.pk for o in value]
    return value


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def conflict_messages(form: forms.BaseForm, current: models.Model, since_event: int) -> list[str]:
    """What changed on `current` after audit event `since_event`, one line per field."""
    from backoffice.core.admin import _display

    events = AuditEvent.objects.filter(
        model=model_label(current), object_id=str(current.pk), id__gt=since_event
    ).select_related("actor")
    latest: dict[str, AuditEvent] = {}
    for event in events.order_by("id"):
        for name in event.changes or {}:
            latest[name] = event
    now = field_values(current)
    cleaned = getattr(form, "cleaned_data", {}) or {}
    lines = [
        _(
            "Someone else saved this record after you opened it. Your input is kept below:"
            " compare it with their changes, then save again to keep your values."
        )
    ]
    for name, event in latest.items():
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        params = {
            "field": str(getattr(field, "verbose_name", name)),
            "current": _display(now.get(name), field),
            "who": str(event.actor) if event.actor else _("the system"),
            "when": _when(event.occurred_at),
        }
        if name in cleaned:
            params["yours"] = _display(_form_value(cleaned[name]), field)
            lines.append(
                _(
                    "%(field)s: you entered “%(yours)s”; it is now “%(current)s”, changed by"
                    " %(who)s at %(when)s."
                )
                % params
            )
        else:
            lines.append(
                _("%(field)s is now “%(current)s”, changed by %(who)s at %(when)s.") % params
            )
    return lines


def versioned_form(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`form_class`, refusing to save over a version newer than the one its page showed."""

    class VersionedForm(form_class):  # type: ignore[misc, valid-type]
        marker_now: str | None = None

        def clean(self) -> Any:
            cleaned = super().clean()
            marker = self.data.get(FIELD) or ""
            if not marker or self.instance.pk is None:
                return cleaned
            version, _dot, since = marker.partition(".")
            model = type(self.instance)
            current = model._default_manager.select_for_update().filter(pk=self.instance.pk)
            current = current.first()
            if current is None or version_of(current) == version:
                return cleaned
            self.marker_now = loaded_marker(current)
            since_event = int(since) if since.isdigit() else 0
            raise ValidationError(
                conflict_messages(self, current, since_event), code="edit_conflict"
            )

    VersionedForm.__name__ = form_class.__name__
    VersionedForm.__qualname__ = form_class.__qualname__
    return VersionedForm
