"""The base of every staff-UI screen (Unfold ModelAdmin).

Saves and deletes go through the audited services; the History tab shows the audit trail;
the changelist never counts millions of rows; lists export to Excel; rows are limited to
what the user may see wherever the model registered a visibility selector.
"""

import copy
import dataclasses
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import ActionLocation, IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import (
    BadRequest,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.forms.utils import ErrorList
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.views import ChangeList as UnfoldChangeList

from backoffice.audit.selectors import audit_event_list
from backoffice.core.access import (
    access_object,
    has_declared_scope,
    is_global,
    restrict_to_visible,
    visible_rows,
)
from backoffice.core.company import image_data_uri
from backoffice.core.deletion import (
    NotDeletable,
    deletable,
    deletion_refusal,
    never_deletable,
)
from backoffice.core.edit_conflicts import FIELD as EDIT_MARKER
from backoffice.core.edit_conflicts import loaded_marker, versioned_form
from backoffice.core.excel import queryset_to_xlsx_response
from backoffice.core.exceptions import ApplicationError, NotFound, ValidationFailed
from backoffice.core.filters import is_ascii_digits
from backoffice.core.list_columns import list_columns_fill, list_columns_for
from backoffice.core.models import CompanySettings
from backoffice.core.printing import render_document
from backoffice.core.services import model_delete, model_save, model_set_related
from backoffice.core.steps import Step, StepForm
from backoffice.core.versions import version_of


def _display(value: Any, field: Any = None, names: dict | None = None) -> str:
    """A stored value as a person reads it; a relation's by its record's name (from `names`,
    {(model, str(pk)): name}, when the caller read them at once: _related_names)."""
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    if isinstance(value, list):
        return ", ".join(_display(v, field, names) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_display(one)}" for key, one in value.items())
    if _names_a_record(field):
        if names is None:
            names = _related_names([(field, [value])])
        return names.get((field.related_model, str(value)), f"#{value}")
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _names_a_record(field: Any) -> bool:
    """Whether a stored value of `field` is the key of another record (a foreign key, the
    keys of a many-to-many): not a reverse relation's name (an audited "lines" fact)."""
    return (
        field is not None
        and getattr(field, "concrete", False)
        and bool(field.many_to_one or field.many_to_many or field.one_to_one)
    )


def _related_names(values: Iterable[tuple[Any, Iterable[Any]]]) -> dict[tuple[type, str], str]:
    """The names of the records that relation fields' stored values point to, one query per
    related model however many values: {(model, str(pk)): str(record)}. A value that is not
    a key of the model (a corrupt row) is left out, and shows as #value."""
    wanted: dict[type, set] = {}
    for field, found in values:
        keys = wanted.setdefault(field.related_model, set())
        for value in found:
            for one in value if isinstance(value, list) else [value]:
                if one is None or one == "":
                    continue
                try:
                    keys.add(field.related_model._meta.pk.to_python(one))
                except (ValidationError, ValueError, TypeError):
                    continue
    names = {}
    for model, keys in wanted.items():
        if keys:
            for record in model._default_manager.filter(pk__in=keys):
                names[(model, str(record.pk))] = str(record)
    return names


LIST_PRINT_ROWS = 2000  # a printed list beyond this says how many it left out: Excel has all

# Audit keys that are not fields of the record (workflow facts), and their coded values.
EVENT_LABELS = {
    "review": _("review"),
    "round": _("round"),
    "level": _("level"),
    "attachment": _("attachment"),
    "returned": _("returned"),
    "red_letter": _("Red-letter invoice"),  # an invoice reversed by its red letter
    "retry": _("Retry"),  # an import run again
}
# Audit keys whose value, a list of names, is a fact and no pair [before, after] whatever its
# length (an upload's files: two files are not a change from one to the other); a change of
# the field itself ([None, [names]], [[…], […]]) is still read as one.
FACT_KEYS = {"files"}
EVENT_VALUES = {
    "submitted": _("Submitted for review"),
    "approve": _("Approve"),
    "reject": _("Reject"),
}
# Written before the review's facts were stored apart: "approve (round 1, level 1)".
_OLD_REVIEW_VALUE = re.compile(r"^(approve|reject) \(round (\d+), level (\d+)\)$")


def review_phrase(verdict: str, round: Any = None, level: Any = None) -> str:
    """A review step as a person says it: 第1轮 第1级 审核通过 / Round 1, level 1: approved."""
    params = {"round": round, "level": level}
    if verdict == "submitted":
        if round:
            return str(_("Submitted for review (round %(round)s)") % params)
        return str(_("Submitted for review"))
    if verdict == "approve":
        return str(_("Round %(round)s, level %(level)s: approved") % params)
    if verdict == "reject":
        return str(_("Round %(round)s, level %(level)s: sent back") % params)
    return str(verdict)


def _review_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The review facts of an audit row (verdict, round, level) as one phrase."""
    if "review" not in changes:
        return changes
    changes = dict(changes)
    verdict = (changes.pop("review") or [None, None])[1]
    round = (changes.pop("round", None) or [None, None])[1]
    level = (changes.pop("level", None) or [None, None])[1]
    old = _OLD_REVIEW_VALUE.match(str(verdict or ""))
    if old:
        verdict, round, level = old.group(1), old.group(2), old.group(3)
    return {"review": [None, review_phrase(str(verdict), round, level)], **changes}


def change_pair(value: Any) -> tuple[Any, Any]:
    """An audited change as (before, after); a fact that is no pair (the items an issue got
    back: {item: quantity}) as (None, the fact)."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None, value


def change_rows(model: type, changes: dict[str, Any]) -> list[dict[str, Any]]:
    """Audit changes as rows a person reads: the field's label, before and after."""
    return change_rows_many([(model, changes)])[0]


def change_rows_many(events: Sequence[tuple[type, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """change_rows of many audit rows (a history, a timeline): the records their relations
    name are read once for all, not once per value."""
    parsed = []
    for model, changes in events:
        fields = []
        for name, value in _review_changes(changes or {}).items():
            # a change is [before, after]; a fact of an action may be any value (the items
            # an issue got back: {item: quantity}), shown as its after
            fact = (
                name in FACT_KEYS
                and isinstance(value, list)
                and all(isinstance(item, str) for item in value)
            )
            before, after = (None, value) if fact else change_pair(value)
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field, label = None, str(EVENT_LABELS.get(name, name.replace("_", " ")))
            else:
                # a reverse relation (a contract's lines) has no verbose name: its records'
                related = getattr(field, "related_model", None)
                label = str(
                    getattr(field, "verbose_name", None)
                    or (related._meta.verbose_name_plural if related else name)
                )
            fields.append((field, label, before, after))
        parsed.append(fields)
    names = _related_names(
        (field, (before, after))
        for fields in parsed
        for field, _label, before, after in fields
        if _names_a_record(field)
    )
    return [
        [
            {
                "label": label,
                "before": _display(before, field, names),
                "after": _display(after, field, names),
                "is_new": before is None,
            }
            for field, label, before, after in fields
        ]
        for fields in parsed
    ]


def model_label_name(label: str) -> str:
    """A model's name in the reader's language from its label: sales.salesorder → 销售订单."""
    from django.apps import apps

    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def attach_live_names(rows: list[Any], *, label_of, id_of) -> None:
    """Set `row.live_name` to the record's name as it reads now, in the reader's language
    (a stored repr was written in its writer's language: "Draft order #3"), one query per
    model. Rows whose record is gone keep no live_name."""
    from collections import defaultdict

    from django.apps import apps

    wanted = defaultdict(set)
    for row in rows:
        wanted[label_of(row)].add(str(id_of(row)))
    found = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        pks = [pk for pk in ids if is_ascii_digits(pk)]
        for obj in model._default_manager.filter(pk__in=pks):
            found[(label, str(obj.pk))] = str(obj)
    for row in rows:
        name = found.get((label_of(row), str(id_of(row))))
        if name is not None:
            row.live_name = name


def with_live_names(changelist_class: type, *, label_of, id_of) -> type:
    """A changelist whose rows carry live_name (see attach_live_names)."""

    class LiveNames(changelist_class):
        def get_results(self, request):
            super().get_results(request)
            attach_live_names(list(self.result_list), label_of=label_of, id_of=id_of)

    return LiveNames


def object_or_404(queryset: QuerySet, pk: Any) -> Any:
    """For staff-UI views: a record outside the user's visible rows is a 404 page."""
    try:
        return access_object(queryset, pk)
    except NotFound as exc:
        raise Http404 from exc


class ChangeList(UnfoldChangeList):
    """The theme's list, refusing a bad value of a list filter, and a date out of the
    calendar's range in the date hierarchy's parameters (`?ordered_on__year=99999…`,
    `__year=9999&__month=12`), as any other bad lookup (the list again, with "invalid
    parameters"), where Django let the OverflowError or the ValueError through as a server
    error."""

    def get_filters(self, request: HttpRequest) -> Any:
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request: HttpRequest) -> None:
        # A lookup the field takes but SQLite cannot bind (`?customer=99…9`, past 64 bits)
        # fails when counted, before anything runs: an invalid lookup too. (PostgreSQL
        # compares it as a numeric and finds nothing.)
        try:
            super().get_results(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error
        # columns other apps registered (core.list_columns), for the page's rows at once
        # (iterating the page's queryset fills its cache: the template shows these rows)
        if list_columns_for(self.model, request.user):
            list_columns_fill(self.model, list(self.result_list), request.user)

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        # A list filter of our own (a SimpleListFilter) handed a value its field cannot take
        # (`?groups__id__exact=abc`): an invalid lookup too, not a server error.
        try:
            return super().get_queryset(request, exclude_parameters)
        except (OverflowError, ValueError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from error


class VisibleRows:
    """An admin's rows are those the user may see (core.access): the list, the Excel export,
    the pickers' search, the change, history, print and download pages all read
    `get_queryset`. A model with no declared scope is refused (ImproperlyConfigured), never
    served unscoped; the system check backoffice.E011 finds such an admin at start-up."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return restrict_to_visible(super().get_queryset(request), request.user)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: Any):
        # A record the user may not see is missing (404), as on every other page of it,
        # where Django's change and delete pages sent everyone home with a message.
        raise Http404


def _current_choice(form: forms.BaseForm, name: str, field: forms.ModelChoiceField) -> Q | None:
    """The row(s) a saved record already points to through the form field `name`: kept among
    the choices, so that saving a record unchanged never fails or drops a link the editor
    does not see."""
    instance = getattr(form, "instance", None)
    if instance is None or instance.pk is None:
        return None
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if model_field.many_to_many and not model_field.auto_created:
        return Q(pk__in=getattr(instance, name).order_by().values("pk"))
    if model_field.many_to_one:
        value = getattr(instance, model_field.attname)
        if value is not None:
            return Q(**{field.to_field_name or "pk": value})
    return None


def restrict_choices(form: forms.BaseForm, user: Any) -> None:
    """Every foreign-key and many-to-many choice of `form` cut to the rows `user` may see
    (core.access), plus what the record already points to: a picker lists no name the user
    may not read, and a posted id of an invisible row is "not one of the available
    choices". Models declared global (products, regions) keep all their rows."""
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if not isinstance(field, forms.ModelChoiceField) or queryset is None:
            continue
        model = queryset.model
        if not has_declared_scope(model) or any(
            is_global(m._meta.label_lower) for m in (model, model._meta.concrete_model)
        ):
            continue  # reference data, or a model outside the project's rules
        current = _current_choice(form, name, field)
        if current is None:
            field.queryset = restrict_to_visible(queryset, user)
        else:
            visible = visible_rows(model, user).order_by().values("pk")
            field.queryset = queryset.filter(Q(pk__in=visible) | current)


class QuietErrorList(ErrorList):
    """A field's errors that writes nothing, without a template, when there are none.
    Django renders a template for every field's empty list of errors (an admin page asks
    each field twice): ~45 renders, ~10 ms of a customer's page."""

    def render(self, template_name=None, context=None, renderer=None) -> SafeString:
        if not self.data:
            return SafeString("")
        return super().render(template_name, context, renderer)

    __str__ = __html__ = render  # Django's are bound to its own render


def quiet_errors(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A form's or formset's keyword arguments with QuietErrorList for Django's ErrorList."""
    if kwargs.get("error_class", ErrorList) is ErrorList:
        kwargs["error_class"] = QuietErrorList
    return kwargs


class QuietFormSet:
    """An inline's formset whose empty lists of errors write nothing (QuietErrorList, its
    management form's too), and whose blank form (the row a page copies to add one) is
    built once: Django builds it anew each time it is read, nine times an inline a page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **quiet_errors(kwargs))

    @functools.cached_property
    def empty_form(self) -> forms.BaseForm:
        return super().empty_form

    @functools.cached_property
    def management_form(self) -> forms.BaseForm:
        form = super().management_form
        if form.error_class is ErrorList:
            form.error_class = QuietErrorList
        return form


def scoped_form(form_class: type[forms.BaseForm], user: Any) -> type[forms.BaseForm]:
    """`form_class`, whose choices of related rows are those `user` may see
    (restrict_choices), and whose empty lists of errors write nothing (QuietErrorList)."""

    class ScopedForm(form_class):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **quiet_errors(kwargs))
            restrict_choices(self, user)

    ScopedForm.__name__ = form_class.__name__
    ScopedForm.__qualname__ = form_class.__qualname__
    return ScopedForm


class DeletionRuleAdminMixin:
    """Deletion in the staff UI follows the model's rule (core/deletion.py): part of
    BaseModelAdmin, and mixed into the few admins that are not (the audit trail, reviews)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """No delete button for a row that has left draft, and no delete action at all for a
        model whose rows are never deleted (journal entries, receipts, review decisions)."""
        if never_deletable(self.model) or (obj is not None and not deletable(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """A row that may not be deleted (a posted URL, a stale page) gets the rule's message
        on its page, never Django's 403 or a 500."""
        obj = self.get_object(request, unquote(object_id))
        refusal = deletion_refusal(obj) if obj is not None else None
        if refusal is not None:
            return self._refuse_delete(request, refusal, obj)
        try:
            return super().delete_view(request, object_id, extra_context)
        except NotDeletable as error:  # a cascade reached a protected row: nothing was deleted
            return self._refuse_delete(request, error, obj)

    def _refuse_delete(self, request: HttpRequest, error: NotDeletable, obj: Any) -> HttpResponse:
        self.message_user(request, str(error.message), level=messages.ERROR)
        opts = self.model._meta
        if obj is not None and self.has_view_or_change_permission(request, obj):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        else:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return HttpResponseRedirect(url)

    def get_actions(
        self, request: HttpRequest, action_location: Any = ActionLocation.CHANGE_LIST
    ) -> dict:
        actions = super().get_actions(request, action_location=action_location)
        found = actions.get("delete_selected")
        if found is not None:
            actions["delete_selected"] = dataclasses.replace(
                found, func=_delete_selected_if_deletable
            )
        return actions


class BaseModelAdmin(DeletionRuleAdminMixin, VisibleRows, ModelAdmin):
    # Unfold's templates read these on every field of a form and every row of a list; an
    # admin without them costs each read a failed lookup and a dir() of the admin (some
    # 90 µs: 9 ms a list page). None of ours shows a field conditionally or a row's sections.
    conditional_fields: dict[str, str] = {}
    list_sections: list[Any] = []
    show_full_result_count = False
    list_per_page = 50
    list_filter_submit = True
    warn_unsaved_form = True
    compressed_fields = True
    actions_list = ["export_xlsx"]
    export_fields: list[str] | None = None
    # URL suffix → method name: views on one record, served at <pk>/<suffix>/ and named
    # "<app>_<model>_<suffix>" (print views, downloads).
    object_views: dict[str, str] = {}
    # A document's print view (出库单, 送货单…), served at <pk>/print/ as a page or, with
    # ?format=pdf, a PDF: its template, and print_context(obj) with everything it reads.
    print_template: str = ""
    # The moves a person makes on the record's page (core.steps), served at <pk>/step/<name>/.
    steps: list[Step] = []
    change_form_outer_after_template = "core/steps.html"

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ChangeList

    def get_list_display(self, request: HttpRequest) -> Any:
        extra = [column.display for column in list_columns_for(self.model, request.user)]
        return [*super().get_list_display(request), *extra]

    def get_urls(self):
        opts = self.model._meta
        views = [
            path(
                f"<int:pk>/{suffix}/",
                self.admin_site.admin_view(getattr(self, method)),
                name=f"{opts.app_label}_{opts.model_name}_{suffix}",
            )
            for suffix, method in self.object_views.items()
        ]
        if self.print_template:
            views.append(
                path(
                    "<int:pk>/print/",
                    self.admin_site.admin_view(self.print_view),
                    name=f"{opts.app_label}_{opts.model_name}_print",
                )
            )
        if self.steps:
            views.append(
                path(
                    "<int:pk>/step/<str:name>/",
                    self.admin_site.admin_view(self.step_view),
                    name=f"{opts.app_label}_{opts.model_name}_step",
                )
            )
        return views + super().get_urls()

    # --- printing ------------------------------------------------------------------------------
    def print_context(self, obj: Any) -> dict[str, Any]:
        return {self.opts.model_name: obj}

    def print_filename(self, obj: Any) -> str:
        return getattr(obj, "number", "") or f"{self.opts.model_name}-{obj.pk}"

    def print_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = object_or_404(self.get_queryset(request), pk)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied  # rows visible to all are printed by those who may view
        return render_document(
            request, self.print_template, self.print_context(obj), filename=self.print_filename(obj)
        )

    # --- steps: the document's moves, each through its service (core.steps) -----------------
    def document_steps(
        self, request: HttpRequest, obj: Any, bound: tuple[str, StepForm] | None = None
    ) -> list[dict[str, Any]]:
        """The steps whose buttons show on `obj`'s page, each with its form."""
        opts = self.model._meta
        shown = []
        for step in self.steps:
            if not step.available(obj, request.user):
                continue
            form = bound[1] if bound and bound[0] == step.name else step.make_form(obj)
            shown.append(
                {
                    "step": step,
                    "title": step.title_for(obj),
                    "form": form,
                    "url": reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_step", args=[obj.pk, step.name]
                    ),
                }
            )
        return shown

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.steps and object_id:
            obj = self.get_object(request, object_id)
            if obj is not None:
                bound = (extra_context or {}).get("bound_step")
                extra_context = {
                    **(extra_context or {}),
                    "document_steps": self.document_steps(request, obj, bound),
                }
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        """Run one step: the user's permission, the move's possibility, the form, then the
        service. A bad value comes back beside its field (status 400)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        step = next((s for s in self.steps if s.name == name), None)
        if step is None:
            raise Http404
        if not request.user.has_perm(step.permission):
            raise PermissionDenied
        obj = object_or_404(self.get_queryset(request), pk)
        page = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if not step.possible(obj):
            self.message_user(request, _("This step is not possible now."), messages.ERROR)
            return HttpResponseRedirect(page)
        form = step.make_form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                result = step.run(obj, request.user, form)
            except ValidationFailed as error:
                fields = error.extra.get("fields") or {}
                if not set(fields) & set(form.fields):
                    self.message_error(request, error)
                    return HttpResponseRedirect(page)
                for field, problems in fields.items():
                    form.add_error(field if field in form.fields else None, problems)
            except ApplicationError as error:
                self.message_error(request, error)
                return HttpResponseRedirect(page)
            else:
                self.message_user(request, step.done, messages.SUCCESS)
                target = step.next_url(obj, result) if step.next_url else None
                return HttpResponseRedirect(target or page)
        self.message_user(request, _("Please correct the errors below."), messages.ERROR)
        again = copy.copy(request)
        again.method = "GET"
        response = self.change_view(again, str(obj.pk), extra_context={"bound_step": (name, form)})
        response.status_code = 400
        return response

    # --- pickers: what a chosen record reads as -------------------------------------------
    def autocomplete_label(self, obj: Any) -> str:
        """How this model's records read in other forms' pickers (autocomplete_fields), in
        the list and once chosen; an admin overrides it to tell look-alikes apart."""
        return str(obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        target = self.admin_site._registry.get(db_field.remote_field.model)
        if (
            field is not None
            and db_field.name in self.get_autocomplete_fields(request)
            and hasattr(target, "autocomplete_label")
        ):
            field.label_from_instance = target.autocomplete_label
        return field

    # --- rows the user may see (VisibleRows); an inline's rows too --------------------------
    def get_formset_kwargs(self, request: HttpRequest, obj: Any, inline: Any, prefix: str):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        kwargs["queryset"] = restrict_to_visible(kwargs["queryset"], request.user)
        return kwargs

    # ... and the choices of every picker: the form's, its inlines', the list's editable cells
    def get_formsets_with_inlines(self, request: HttpRequest, obj: Any = None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            formset.form = scoped_form(formset.form, request.user)  # a class made per call
            yield type(formset.__name__, (QuietFormSet, formset), {}), inline

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any):
        return scoped_form(super().get_changelist_form(request, **kwargs), request.user)

    # --- lost updates: a change form saves over the version it showed only ---------------------
    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        form = scoped_form(super().get_form(request, obj, change=change, **kwargs), request.user)
        if obj is None or version_of(obj) is None:
            return form
        return versioned_form(form)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None and version_of(obj) is not None:
            form = getattr(context.get("adminform"), "form", None)
            context["loaded_version"] = (
                getattr(form, "marker_now", None)
                or (request.POST.get(EDIT_MARKER) if request.method == "POST" else None)
                or loaded_marker(obj)
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- writes go through the audited services ----------------------------------------------
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        model_save(instance=obj, by=request.user, validate=False)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        instance = form.instance
        m2m = [f.name for f in instance._meta.many_to_many if f.name in form.cleaned_data]
        for name in m2m:
            value = form.cleaned_data.pop(name)
            model_set_related(
                instance=instance, field=name, ids=[o.pk for o in value], by=request.user
            )
        super().save_related(request, form, formsets, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            model_save(instance=instance, by=request.user)
        for deleted in formset.deleted_objects:
            model_delete(instance=deleted, by=request.user)
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        model_delete(instance=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            model_delete(instance=obj, by=request.user)

    def message_error(self, request: HttpRequest, error: ApplicationError) -> None:
        self.message_user(request, str(error.message), level=messages.ERROR)

    # --- History tab: the audit trail of this record -----------------------------------------
    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        obj = object_or_404(self.get_queryset(request), object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        events = audit_event_list(model=self.model._meta.label_lower, object_id=str(obj.pk))
        events = list(events[:500])
        changes = change_rows_many([(self.model, event.changes) for event in events])
        rows = [
            {"event": event, "changes": found} for event, found in zip(events, changes, strict=True)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "rows": rows,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "core/object_history.html", context)

    # --- Excel export and print of the filtered list -----------------------------------------
    def listed_queryset(self, request: HttpRequest) -> QuerySet:
        """The rows the list shows, with its filters, search and order. The buttons are plain
        links: the filters arrive in the page they were clicked on (the referer)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        referer = urlsplit(request.headers.get("referer", ""))
        changelist_path = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )
        if referer.path == changelist_path:
            request.GET = QueryDict(referer.query)
        try:
            return self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters as error:  # the list says "invalid parameters"
            raise BadRequest(_("The list's filters are not valid.")) from error

    @action(description=_("Export to Excel"), icon="download", url_path="export-xlsx")
    def export_xlsx(self, request: HttpRequest) -> HttpResponse:
        queryset = self.listed_queryset(request)
        fields = self.export_fields or [
            f for f in self.get_list_display(request) if isinstance(f, str) and f != "__str__"
        ]
        return queryset_to_xlsx_response(
            queryset, fields=fields, filename=str(self.model._meta.verbose_name_plural)
        )

    # A list printed as a register (收发登记簿…): its template reads `rows` (the first
    # LIST_PRINT_ROWS of the filtered list), `more` (rows left out) and `request`.
    list_print_template: str = ""

    @action(
        description=_("Print the list"),
        icon="print",
        url_path="print-list",
        attrs={"target": "_blank"},
    )
    def print_list(self, request: HttpRequest) -> HttpResponse:
        if not self.list_print_template:
            raise Http404
        queryset = self.listed_queryset(request)
        rows = list(queryset[: LIST_PRINT_ROWS + 1])
        more = 0
        if len(rows) > LIST_PRINT_ROWS:
            more = queryset.count() - LIST_PRINT_ROWS
            rows = rows[:LIST_PRINT_ROWS]
        return render_document(
            request,
            self.list_print_template,
            {"rows": rows, "more": more, "opts": self.opts, **self.list_print_context(rows)},
            filename=str(self.opts.verbose_name_plural),
        )

    def list_print_context(self, rows: list[Any]) -> dict[str, Any]:
        """What a printed list shows besides its rows (the period they cover…)."""
        return {}


def _delete_selected_if_deletable(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Django's "delete selected", refused with the rule's message when any selected row may
    not be deleted (nothing is deleted then)."""
    refused = next(filter(None, (deletion_refusal(obj) for obj in queryset)), None)
    if refused is not None:
        modeladmin.message_user(request, str(refused.message), messages.ERROR)
        return None
    try:
        with transaction.atomic():
            return delete_selected(modeladmin, request, queryset)
    except NotDeletable as error:
        modeladmin.message_user(request, str(error.message), messages.ERROR)
        return None


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The pickers' search answers with each record as its admin's autocomplete_label."""

    def serialize_result(self, obj: Any, to_field_name: str) -> dict[str, Any]:
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = str(label(obj))
        return result


def _autocomplete_view(request: HttpRequest) -> HttpResponse:
    return LabelledAutocompleteJsonView.as_view(admin_site=admin.site)(request)


admin.site.autocomplete_view = _autocomplete_view  # type: ignore[method-assign]
admin.site.site_url = "/"
admin.site.site_title = _("Back Office")
admin.site.site_header = _("Back Office")
admin.site.index_title = _("Dashboard")


class BadgeColours(dict):
    """A badge's colours by value; a value without a colour is a grey badge, never its code
    (Unfold shows the raw value, upper-cased, when the value has no colour: "DRAFT")."""

    def __missing__(self, key: Any) -> str:
        return ""


class Label(tuple):
    """What a `@display(label=…)` method returns: (value, text). A list cell shows the text in
    the value's colour; a read-only field (an inline's column) shows the same badge instead of
    the tuple's repr."""

    def __new__(cls, value: Any, text: Any, colours: dict[str, str] | None = None):
        label = super().__new__(cls, (value, str(text)))
        label.colour = (colours or {}).get(value, "")
        return label

    def __html__(self) -> str:
        from django.template.loader import render_to_string

        return render_to_string("unfold/helpers/label.html", {"text": self[1], "type": self.colour})


def label_display(description: Any, colours: dict[str, str]):
    """A `display` decorator for methods returning Label(value, text): a coloured badge in
    lists and read-only fields; values without a colour show their text on grey."""
    return display(description=description, label=BadgeColours(colours))


class RecordedElsewhere:
    """An admin (or inline) whose records its services make and move from other pages
    (a receivable from its invoice, a verification from its application): no add form and
    no change form, only the record as it is."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DraftOnlyInline(TabularInline):
    """A document's rows, added, changed and removed on its page only while it is a draft;
    afterwards they show as they were."""

    extra = 1

    def _editable(self, obj: Any) -> bool:
        return obj is None or obj.status == "draft"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class ReadOnlyRowsInline(RecordedElsewhere, TabularInline):
    """A document's rows shown as they were recorded."""

    extra = 0
    can_delete = False


def status_badge_display(colours: dict[str, str]):
    """A changelist column showing the status as a coloured badge (the status's label)."""

    @label_display(_("status"), colours)
    def status_badge(self, obj: Any):
        return Label(obj.status, obj.get_status_display(), colours)

    return status_badge


def print_link_display(url_name: str, label: Any):
    """A read-only field linking to a document's print view and its PDF."""

    @display(description=_("print"))
    def print_link(self, obj: Any) -> str:
        url = reverse(url_name, args=[obj.pk])
        return format_html(
            '<a class="text-primary-600" href="{}" target="_blank">{}</a> · '
            '<a class="text-primary-600" href="{}?format=pdf">PDF</a>',
            url,
            label,
            url,
        )

    return print_link


def str_display(description: Any):
    """A changelist column showing the record as text (a number, or 'Draft … #id')."""

    @display(description=description)
    def as_text(self, obj: Any) -> str:
        return str(obj)

    return as_text


def service_error_message(error: ApplicationError) -> str:
    """The error's message, with the first field error when the message alone is generic."""
    fields = (error.extra or {}).get("fields") or {}
    detail = next(iter(fields.items()), None)
    if detail and isinstance(detail[1], list):
        return f"{error.message} ({detail[0]}: {detail[1][0]})"
    return str(error.message)


class ServiceErrorsAsMessages:
    """A refusal from a service while saving comes back on the same form, with what the user
    typed and the rule at the top (a non-field error), never as an error page: the save's
    transaction is rolled back, then the post is shown again with the refusal among the
    form's errors."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            # the admin's transaction: leaving it by the exception rolls the whole save back
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ApplicationError, ValidationError) as error:
            if request.method != "POST" or getattr(request, "_service_refusal", None):
                raise
            request._service_refusal = (
                service_error_message(error)
                if isinstance(error, ApplicationError)
                else error.messages
            )
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form

        class Refused(form):  # type: ignore[misc, valid-type]
            def clean(self) -> Any:
                cleaned = super().clean()
                self.add_error(None, refusal)
                return cleaned

        return Refused


@admin.register(CompanySettings)
class CompanySettingsAdmin(BaseModelAdmin):
    """The seller on every print: one row, changed by administrators (audited saves)."""

    actions_list: list[str] = []
    list_display = ["legal_name", "tax_id", "phone", "address"]
    fields = [
        "legal_name",
        "address",
        "phone",
        "tax_id",
        "bank_name",
        "bank_account",
        "logo_preview",
        "logo",
        "seal_preview",
        "seal",
    ]
    readonly_fields = ["logo_preview", "seal_preview"]
    # Uploads are not served publicly: the images show from their content, as on the prints.
    formfield_overrides = {models.ImageField: {"widget": forms.FileInput}}

    @display(description=_("current logo"))
    def logo_preview(self, obj: Any) -> str:
        return _image_preview(obj.logo if obj else None)

    @display(description=_("current seal"))
    def seal_preview(self, obj: Any) -> str:
        return _image_preview(obj.seal if obj else None)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None):
        """One row only: once it exists, "add" opens it. (Checked here rather than in
        has_add_permission, which every page's app list asks.)"""
        if CompanySettings.objects.filter(pk=CompanySettings.SINGLETON_ID).exists():
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[CompanySettings.SINGLETON_ID],
                )
            )
        return super().add_view(request, form_url, extra_context)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.pk = CompanySettings.SINGLETON_ID
        super().save_model(request, obj, form, change)


def _image_preview(image: Any) -> str:
    uri = image_data_uri(image)
    if not uri:
        return "—"
    return format_html('<img src="{}" alt="" style="max-height: 6rem; max-width: 12rem">', uri)
