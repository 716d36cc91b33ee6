"""Forms of the materials steps: a return of lent samples, line by line; a draft's
cancellation."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.steps import StepForm


class CancelForm(StepForm):
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class ReturnForm(StepForm):
    """What came back: one quantity per line still out (all of it, to start with)."""

    returned_on = forms.DateField(label=_("returned on"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["returned_on"].initial = timezone.localdate()
        self.rows = []
        for line in self.document.lines.select_related("item").order_by("line_no"):
            if line.outstanding <= 0:
                continue
            name = f"qty_{line.pk}"
            self.fields[name] = self.style(
                forms.DecimalField(
                    label=str(line.item),
                    required=False,
                    min_value=0,
                    max_digits=16,
                    decimal_places=3,
                    initial=f"{line.outstanding.normalize():f}",
                    widget=forms.TextInput(attrs={"class": "w-32", "inputmode": "decimal"}),
                )
            )
            self.rows.append({"line": line, "field": self[name]})
        self.in_template = frozenset(f"qty_{row['line'].pk}" for row in self.rows)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(name) for name in self.in_template):
            raise forms.ValidationError(_("Enter what came back of at least one line."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "returned_on": data["returned_on"],
            "note": data.get("note", ""),
            "lines": [
                {"line": row["line"].pk, "quantity": str(quantity)}
                for row in self.rows
                if (quantity := data.get(f"qty_{row['line'].pk}"))
            ],
        }


class CountSheetForm(StepForm):
    """A count sheet (.xlsx or .csv): 物料编码, 批号, 实盘数量 (and 有效期至 for a batch found
    that was not expected), in Chinese or English (item, batch, counted, expires_on)."""

    sheet = forms.FileField(
        label=_("count sheet"),
        help_text=_("Excel or CSV: 物料编码, 批号, 实盘数量 (有效期至 for a batch not expected)"),
    )

    def service_arguments(self) -> dict[str, Any]:
        from backoffice.core.tabular import read_table
        from backoffice.materials.services import count_rows

        upload = self.cleaned_data["sheet"]
        return {"counts": count_rows(read_table(upload.read(), filename=upload.name))}


class ReceiveForm(StepForm):
    """Where the printed goods came into stock, and when."""

    location = forms.ModelChoiceField(label=_("location"), queryset=None)
    received_on = forms.DateField(label=_("received on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from backoffice.materials.models import Location

        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(
            is_active=True, holder__isnull=True
        )
        self.fields["received_on"].initial = timezone.localdate()
