"""The staff UI's admin site and how it shows values, in one place.

- The admin site is Unfold's, with the command palette describing a record by its app's and
  model's names in the reader's language (Unfold writes the raw app label: "Parties - 客户").
- Decimals: Django and Unfold show a DecimalField with all its stored places (54.400000,
  12.000). Every list cell and read-only field goes through `display_for_field`, so that one
  function is wrapped here to show numbers through `core.money.format_number`.
"""

from decimal import Decimal
from typing import Any

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.db import models
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig
from unfold.dataclasses import SearchResult
from unfold.sites import UnfoldAdminSite

from backoffice.core.money import format_number, number_kind


def _record_kind(app_label: str, model_name: str) -> str:
    from django.apps import apps

    model = apps.get_model(app_label, model_name)
    app = apps.get_app_config(app_label).verbose_name
    return f"{app} · {capfirst(model._meta.verbose_name)}"


# A module-level lazy function: the palette's results are pickled into the cache.
record_kind = lazy(_record_kind, str)


class BackOfficeAdminSite(UnfoldAdminSite):
    def get_app_list(self, request: Any, app_label: str | None = None) -> list[dict[str, Any]]:
        """Built once per request: the page's context, the index and the sidebar each ask for
        it, and each build checks every registered admin's permissions."""
        built = request.__dict__.setdefault("_backoffice_app_lists", {})
        if app_label not in built:
            built[app_label] = super().get_app_list(request, app_label)
        return [{**app, "models": list(app["models"])} for app in built[app_label]]

    def _search_models(
        self,
        request: Any,
        app_list: list[dict[str, Any]],
        search_term: str,
        allowed_models: list[str] | None = None,
    ) -> list[SearchResult]:
        allowed = None if allowed_models is None else {m.lower() for m in allowed_models}
        results = []
        for app in app_list:
            for model in app["models"]:
                opts = model["model"]._meta
                if allowed is not None and opts.label.lower() not in allowed:
                    continue
                admin_instance = self._registry.get(model["model"])
                if not admin_instance.get_search_fields(request):
                    continue
                found, _duplicates = admin_instance.get_search_results(
                    request, admin_instance.get_queryset(request), search_term
                )
                seen = set()
                for item in found:
                    if item.pk in seen:
                        continue
                    seen.add(item.pk)
                    results.append(
                        SearchResult(
                            title=str(item),
                            # Lazy: the palette caches results; each reader sees their language.
                            description=record_kind(opts.app_label, opts.model_name),
                            link=reverse_lazy(
                                f"{self.name}:{opts.app_label}_{opts.model_name}_change",
                                args=(item.pk,),
                            ),
                            icon="data_object",
                        )
                    )
        return results


class BackOfficeAdminConfig(AdminConfig):
    default_site = "backoffice.core.sites.BackOfficeAdminSite"


class TasksConfig(TasksAppConfig):
    """django_tasks_db, named in the reader's language (its own name is English only)."""

    verbose_name = _("Background tasks")


class LoginSecurityConfig(AxesAppConfig):
    """django-axes, the login lockout (accounts.logins), named in the reader's language."""

    verbose_name = _("Login security")


def _numbers_as_people_read_them(original):
    def display_for_field(value: Any, field: Any, empty_value_display: str, *args, **kwargs):
        if (
            isinstance(field, models.DecimalField)
            and isinstance(value, Decimal)
            and not getattr(field, "flatchoices", None)
        ):
            return format_number(value, number_kind(field))
        return original(value, field, empty_value_display, *args, **kwargs)

    display_for_field.wrapped = original
    return display_for_field


def _method_numbers_as_people_read_them(original):
    """A list column computed by a method has no field: its Decimal's places tell the kind
    (six: a price, three: a quantity)."""

    def display_for_value(value: Any, empty_value_display: str, *args, **kwargs):
        if isinstance(value, Decimal) and value.is_finite() and not kwargs.get("boolean"):
            places = -value.as_tuple().exponent
            if places in (3, 6):
                return format_number(value, "quantity" if places == 3 else "price")
        return original(value, empty_value_display, *args, **kwargs)

    display_for_value.wrapped = original
    return display_for_value


def _trimmed(value: Decimal, minimum: int) -> Decimal:
    """The same number without stored trailing zeros, keeping `minimum` decimals: exact, so
    that the form sends back what was stored (54.400000 → 54.40, 12.000 → 12)."""
    exponent = value.normalize().as_tuple().exponent
    places = max(-exponent, minimum) if isinstance(exponent, int) and exponent < 0 else minimum
    return value.quantize(Decimal(1).scaleb(-places))


def _inputs_without_stored_zeros(original):
    """A form's price (six stored decimals) and quantity (three) inputs: the field's step
    tells which."""

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            step = str(self.attrs.get("step", ""))
            places = len(step.partition(".")[2]) if "." in step else None
            minimum = {6: 2, 3: 0}.get(places)
            if minimum is not None:
                value = _trimmed(value, minimum)
        return original(self, value)

    format_value.wrapped = original
    return format_value


def install_number_display() -> None:
    """Called once from CoreConfig.ready(): every module that imported display_for_field."""
    import django.contrib.admin.helpers
    import django.contrib.admin.templatetags.admin_list
    import django.contrib.admin.utils
    import unfold.fields
    import unfold.sections
    import unfold.templatetags.unfold_list
    import unfold.utils

    for module in (
        django.contrib.admin.utils,
        django.contrib.admin.helpers,
        django.contrib.admin.templatetags.admin_list,
        unfold.utils,
        unfold.fields,
        unfold.sections,
        unfold.templatetags.unfold_list,
    ):
        current = module.display_for_field
        if not hasattr(current, "wrapped"):
            module.display_for_field = _numbers_as_people_read_them(current)
    from django import forms

    if not hasattr(forms.NumberInput.format_value, "wrapped"):
        forms.NumberInput.format_value = _inputs_without_stored_zeros(
            forms.NumberInput.format_value
        )
    for module in (
        django.contrib.admin.utils,
        django.contrib.admin.templatetags.admin_list,
        unfold.utils,
        unfold.templatetags.unfold_list,
    ):
        current = module.display_for_value
        if not hasattr(current, "wrapped"):
            module.display_for_value = _method_numbers_as_people_read_them(current)
