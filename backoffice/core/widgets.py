"""Form widgets of the staff UI that Unfold's do not cover."""

from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from unfold.widgets import UnfoldAdminSelect2Widget


def _attrs(attrs: dict[str, Any]) -> str:
    """Attributes as Django's `django/forms/widgets/attrs.html` writes them: a False one
    left out, a True one bare, any other with its value as text."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect2Widget(UnfoldAdminSelect2Widget):
    """Unfold's searchable select (a customer's rep among sixty people), its options written
    in Python: through Django's templates, two per option, sixty options cost ~8 ms of a
    page. The same markup as `django/forms/widgets/select.html` with its option template
    (core/tests/test_widgets.py compares them)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            written = "".join(
                f'<option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                written = format_html(
                    '<optgroup label="{}">{}</optgroup>',
                    group_name,
                    mark_safe(written),  # noqa: S308 - each part escaped above
                )
            groups.append(written)
        return mark_safe(  # noqa: S308 - every value above is escaped
            f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
            f"{''.join(groups)}</select>"
        )
