"""The one step-action mechanism of the staff UI (decision 0006).

A document's admin declares its steps; each names the service that makes the move and the
form that collects its input:

    steps = [
        Step("signed", _("Signed for"), services.delivery_sign, document="delivery",
             to=Delivery.Status.SIGNED, form=DeliverySignForm),
    ]

A step's button shows only when the document's transition table allows the move now
(`to` in `allowed_transitions`), any extra condition (`when`) holds, and the user has the
permission the service checks for itself (`permission_required`, decision 0005). Pressing it
validates the form: a bad value is shown beside its field, never replaced by a default. The
service's `ApplicationError` is shown as a message on the page. `core.admin.BaseModelAdmin`
serves every declared step at `<pk>/step/<name>/`; no admin writes a step view of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminFileFieldWidget

from backoffice.core.access import Actor, service_permission
from backoffice.core.transitions import allowed_transitions

SAVED = _("Saved.")
# A step that asks for something reviewers decide (issue 15 §20: undoing an approval).
ASKED = _("Asked: it takes effect once reviewed.")
INPUT_CLASSES = (
    "border border-base-200 rounded-default px-3 py-2 bg-white "
    "dark:bg-base-900 dark:border-base-700"
)


class StepForm(forms.Form):
    """The input of a step. `document` is the record the step acts on (a form may offer
    choices from it); `service_arguments()` turns the cleaned data into the service's
    keyword arguments (by default, the cleaned data as it is). A step with a template of its
    own names the fields that template renders in `in_template`; the rest show as a row."""

    in_template: frozenset[str] = frozenset()

    def __init__(self, *args: Any, document: Any, **kwargs: Any) -> None:
        self.document = document
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            self.style(field)

    @staticmethod
    def style(field: forms.Field) -> forms.Field:
        """The staff UI's look for a field's input; dates get the browser's date picker."""
        widget = field.widget
        if isinstance(field, forms.DateField) and type(widget) is forms.DateInput:
            field.widget = widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if isinstance(widget, forms.FileInput) and not isinstance(
            widget, UnfoldAdminFileFieldWidget
        ):  # the theme's script expects its own markup around every file input
            field.widget = widget = UnfoldAdminFileFieldWidget(attrs=widget.attrs)
        if not isinstance(widget, forms.FileInput | forms.CheckboxInput):
            classes = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{classes} {INPUT_CLASSES}".strip()
        return field

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class NoInput(StepForm):
    """A step that needs nothing but the press of its button."""


@dataclass(frozen=True)
class Step:
    """One move a person can make on a document from its page."""

    name: str  # in the URL: <pk>/step/<name>/
    label: Any  # the button
    service: Callable[..., Any]  # called as service(<document>=obj, by=user, **arguments)
    document: str  # the service's keyword for the document ("delivery", "invoice")
    to: str | None = None  # the status it moves to; None for a step that creates a document
    form: type[StepForm] = NoInput
    when: Callable[[Any], bool] | None = None  # a further condition on the document
    title: Any = None  # a line above the form, or a function of the document giving it
    template: str = ""  # the form's body, when the generic one (a row of fields) does not fit
    style: str = "primary"  # primary | secondary | danger
    done: Any = SAVED  # the message after success
    # Where to go after success: (document, the service's result) -> URL; default: its page.
    next_url: Callable[[Any, Any], str | None] | None = None
    # Who, of those with the permission, may make the move on this document (the holder of a
    # float, say): (document, user) -> bool. Its service refuses the others all the same;
    # this keeps the button from them.
    actor: Callable[[Any, Any], bool] | None = None

    def __post_init__(self) -> None:
        if service_permission(self.service) is None:
            raise ImproperlyConfigured(
                f"Step {self.name!r}: {self.service.__qualname__} checks no permission; "
                "guard it with core.access.permission_required (decision 0005)."
            )

    @property
    def permission(self) -> str:
        return service_permission(self.service) or ""

    def possible(self, document: Any) -> bool:
        """The document's state allows this step now (whoever asks)."""
        if self.to is not None and str(self.to) not in allowed_transitions(document):
            return False
        return self.when is None or bool(self.when(document))

    def available(self, document: Any, user: Any) -> bool:
        """The button shows: the move is possible and the user may make it."""
        return (
            self.possible(document)
            and user.has_perm(self.permission)
            and (self.actor is None or bool(self.actor(document, user)))
        )

    def title_for(self, document: Any) -> Any:
        return self.title(document) if callable(self.title) else self.title

    def make_form(self, document: Any, data: Any = None, files: Any = None) -> StepForm:
        return self.form(data, files, document=document, auto_id=f"id_{self.name}_%s")

    def run(self, document: Any, by: Actor, form: StepForm) -> Any:
        return self.service(**{self.document: document}, by=by, **form.service_arguments())
