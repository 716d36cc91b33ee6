"""core.widgets: the quick select writes what Django's templates write."""

import re

from django import forms
from unfold.widgets import UnfoldAdminSelect2Widget

from backoffice.core.widgets import QuickSelect2Widget


def _tags(html: str) -> str:
    """The markup without the whitespace between tags (the templates' indentation)."""
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_the_quick_select_writes_what_the_template_writes():
    choices = [
        ("", "Choose the rep"),
        (1, "王 <北区>"),
        (2, 'O\'Brien & "Co"'),
        ("东区", [(3, "李"), (4, "赵")]),
    ]
    attrs = {"id": "id_owner", "required": True, "disabled": False, "data-x": 'a"b'}
    for value in (None, 2, 4, ""):
        quick = QuickSelect2Widget(choices=choices).render("owner", value, attrs=attrs)
        plain = UnfoldAdminSelect2Widget(choices=choices).render("owner", value, attrs=attrs)
        assert _tags(quick) == _tags(plain)
    assert "selected" in QuickSelect2Widget(choices=choices).render("owner", 4)
    assert "&lt;北区&gt;" in QuickSelect2Widget(choices=choices).render("owner", None)


def test_a_form_field_with_the_quick_select_renders_and_validates():
    class Form(forms.Form):
        owner = forms.ChoiceField(choices=[("1", "王"), ("2", "李")], widget=QuickSelect2Widget)

    form = Form(data={"owner": "2"})
    assert form.is_valid()
    assert '<option value="2" selected>李</option>' in str(form["owner"])
