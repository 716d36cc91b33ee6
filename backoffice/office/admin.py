"""Staff UI of the office: the mail and express register with its steps (sent, delivered,
returned, lost, damaged), the carriers with their rating, and the carriers' bills: uploaded,
matched against the register, settled."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from backoffice.core.admin import (
    BaseModelAdmin,
    ServiceErrorsAsMessages,
    object_or_404,
    status_badge_display,
)
from backoffice.core.excel import querysets_to_xlsx, xlsx_response
from backoffice.core.money import format_number
from backoffice.core.steps import Step
from backoffice.office import services
from backoffice.office.forms import (
    BillUploadForm,
    DamagedForm,
    DeliveredForm,
    LostForm,
    ReturnedForm,
    SentForm,
)
from backoffice.office.models import Carrier, CarrierBill, CarrierBillLine, MailItem
from backoffice.office.selectors import (
    bill_missing,
    bill_summary,
    carrier_monthly_cost,
    carrier_ratings,
    on_time_rate,
)

MAIL_COLOURS = {
    "registered": "info",
    "sent": "warning",
    "delivered": "success",
    "returned": "danger",
    "lost": "danger",
    "damaged": "danger",
}
SHOWN_LINES = 200
PRINTED_LINES = 1000  # a reconciliation sheet's longest table; the Excel file has them all


def _table(headers: list[Any], rows: list[list[Any]]) -> str:
    if not rows:
        return format_html('<span class="text-base-500">{}</span>', _("None"))
    head = format_html_join("", '<th class="px-2 py-1 text-left">{}</th>', ((h,) for h in headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (
                format_html_join(
                    "",
                    '<td class="px-2 py-1 border-t border-base-200">{}</td>',
                    ((c,) for c in row),
                ),
            )
            for row in rows
        ),
    )
    return format_html(
        '<table class="text-sm"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, body
    )


@admin.register(Carrier)
class CarrierAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    list_display = [
        "code",
        "name",
        "status_badge",
        "contact",
        "phone",
        "shipments",
        "on_time",
        "lost_or_damaged",
        "average_cost",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["status"]
    search_fields = ["code", "name", "contact"]
    fields = ["code", "name", "status", "contact", "phone", "price_notes", "note"]
    export_fields = ["code", "name", "status", "contact", "phone", "price_notes"]

    status_badge = status_badge_display(
        {"candidate": "info", "approved": "success", "suspended": "danger"}
    )

    def get_queryset(self, request):
        return carrier_ratings(super().get_queryset(request))

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else [*self.fields, "rating", "months"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["rating", "months"]

    @admin.display(description=_("shipments"), ordering="shipments")
    def shipments(self, carrier: Carrier) -> int:
        return carrier.shipments

    @admin.display(description=_("on time"))
    def on_time(self, carrier: Carrier) -> str:
        rate = on_time_rate(carrier)
        return "—" if rate is None else f"{rate}%"

    @admin.display(description=_("lost or damaged"), ordering="lost_or_damaged")
    def lost_or_damaged(self, carrier: Carrier) -> int:
        return carrier.lost_or_damaged

    @admin.display(description=_("average cost"))
    def average_cost(self, carrier: Carrier) -> str:
        return "—" if carrier.average_cost is None else format_number(carrier.average_cost)

    @admin.display(description=_("rating"))
    def rating(self, carrier: Carrier) -> str:
        carrier = carrier_ratings(Carrier.objects.filter(pk=carrier.pk)).get()
        return _table(
            [_("shipments"), _("on time"), _("lost or damaged"), _("average cost")],
            [
                [
                    carrier.shipments,
                    self.on_time(carrier),
                    carrier.lost_or_damaged,
                    self.average_cost(carrier),
                ]
            ],
        )

    @admin.display(description=_("cost by month"))
    def months(self, carrier: Carrier) -> str:
        return _table(
            [_("month"), _("shipments"), _("cost"), _("average cost")],
            [
                [
                    row["month"],
                    row["shipments"],
                    format_number(row["cost"]),
                    format_number(row["average"]),
                ]
                for row in carrier_monthly_cost(carrier)
            ],
        )

    def save_model(self, request, obj, form, change) -> None:
        data = {name: form.cleaned_data[name] for name in self.fields if name in form.cleaned_data}
        saved = services.carrier_save(by=request.user, carrier=obj if change else None, **data)
        obj.pk = saved.pk


class OverdueFilter(admin.SimpleListFilter):
    title = _("promised date")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Past it, not delivered"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                status__in=MailItem.OPEN_STATUSES,
                direction=MailItem.Direction.OUT,
                promised_on__lt=timezone.localdate(),
            )
        return queryset


def _status_step(status: str, label: Any, form: Any, style: str = "secondary") -> Step:
    return Step(
        status,
        label,
        services.mail_set_status,
        document="item",
        to=status,
        form=form,
        style=style,
        # what was received is registered as it arrived: its way is the sender's
        when=lambda item: item.direction == MailItem.Direction.OUT,
    )


@admin.register(MailItem)
class MailItemAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    """The register; entered here or written by a delivery shipped, an invoice mailed."""

    steps = [
        _status_step(MailItem.Status.SENT, _("Mark as sent"), SentForm, "primary"),
        _status_step(MailItem.Status.DELIVERED, _("Mark as delivered"), DeliveredForm, "primary"),
        _status_step(MailItem.Status.RETURNED, _("Mark as returned"), ReturnedForm),
        _status_step(MailItem.Status.LOST, _("Mark as lost"), LostForm, "danger"),
        _status_step(MailItem.Status.DAMAGED, _("Mark as damaged"), DamagedForm, "danger"),
    ]
    list_display = [
        "number",
        "direction",
        "kind",
        "counterparty",
        "carrier",
        "tracking_number",
        "shipped_on",
        "promised_on",
        "status_badge",
        "cost",
        "fee",
    ]
    list_display_links = ["number", "counterparty"]
    list_filter = [
        "direction",
        "kind",
        "status",
        "carrier",
        OverdueFilter,
        ("shipped_on", admin.DateFieldListFilter),
    ]
    search_fields = ["number", "tracking_number", "counterparty", "address", "contact"]
    search_help_text = _("Number, tracking number, counterparty, address or contact")
    list_select_related = ["carrier", "customer", "handler"]
    autocomplete_fields = ["customer"]
    actions_list = ["export_xlsx", "print_list"]
    list_print_template = "office/mail_register.html"
    date_hierarchy = "shipped_on"
    editable = [name for name in services.mail.MAIL_FIELDS if name != "handler"]
    export_fields = [
        "number",
        "direction",
        "kind",
        "customer",
        "counterparty",
        "contact",
        "phone",
        "address",
        "carrier",
        "tracking_number",
        "shipped_on",
        "promised_on",
        "delivered_on",
        "cost",
        "fee",
        "status",
        "handler",
        "source_number",
    ]
    readonly_fields = [
        "number",
        "status",
        "delivered_on",
        "fee",
        "bill",
        "related",
        "handler",
        "created_by",
    ]

    status_badge = status_badge_display(MAIL_COLOURS)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.editable
        return [
            "number",
            "status",
            *self.editable,
            "delivered_on",
            "fee",
            "bill",
            "related",
            "handler",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.status in MailItem.OPEN_STATUSES and obj.bill_id is None:
            return self.readonly_fields
        return [*self.readonly_fields, *self.editable]

    def has_change_permission(self, request, obj=None) -> bool:
        # an entry that arrived or ended is kept as it was: its page is read only
        if obj is not None and obj.status not in MailItem.OPEN_STATUSES:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "carrier":
            current = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            chosen = (
                MailItem.objects.filter(pk=current).values("carrier")
                if current and str(current).isdigit()
                else []
            )
            kwargs["queryset"] = Carrier.objects.choosable(chosen)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def list_print_context(self, rows: list[MailItem]) -> dict[str, Any]:
        days = [item.shipped_on for item in rows]
        return {"first_day": min(days, default=None), "last_day": max(days, default=None)}

    def get_changeform_initial_data(self, request):
        return {"shipped_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    @admin.display(description=_("related document"))
    def related(self, item: MailItem) -> str:
        if not item.source_model:
            return "—"
        app, model = item.source_model.split(".")
        try:
            url = reverse(f"admin:{app}_{model}_change", args=[item.source_id])
        except NoReverseMatch:
            return item.source_number or "—"
        return format_html(
            '<a class="text-primary-600" href="{}">{}</a>',
            url,
            item.source_number or item.source_id,
        )

    def save_model(self, request, obj, form, change) -> None:
        data = {
            name: form.cleaned_data[name] for name in self.editable if name in form.cleaned_data
        }
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            saved = services.mail_update(item=obj, by=request.user, **changed)
        else:
            saved = services.mail_register(by=request.user, **data)
        obj.pk = saved.pk


@admin.register(CarrierBill)
class CarrierBillAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    """Uploaded here; its page shows how it matched the register; settled with a step."""

    steps = [
        Step(
            "settle",
            _("Settle the month"),
            services.bill_settle,
            document="bill",
            to=CarrierBill.Status.SETTLED,
            title=_(
                "The fees of the matched lines are written to the register and the bill is locked."
            ),
            done=_("Settled."),
        )
    ]
    list_display = [
        "carrier",
        "month_shown",
        "file_name",
        "line_count",
        "total_fee",
        "status_badge",
        "settled_at",
    ]
    list_display_links = ["carrier", "month_shown"]
    list_filter = ["status", "carrier"]
    search_fields = ["file_name", "carrier__name"]
    list_select_related = ["carrier"]
    export_fields = [
        "carrier",
        "month",
        "file_name",
        "line_count",
        "total_fee",
        "status",
        "settled_at",
    ]
    shown = [
        "carrier",
        "month_shown",
        "files",
        "file_name",
        "tolerance",
        "line_count",
        "total_fee",
        "status",
        "matching",
        "lines_to_check",
        "missing_entries",
        "uploaded_by",
        "settled_at",
        "settled_by",
    ]

    status_badge = status_badge_display({"open": "warning", "settled": "success"})
    print_template = "office/bill_reconciliation.html"
    object_views = {"xlsx": "lines_xlsx_view"}

    @admin.display(description=_("print"))
    def files(self, bill: CarrierBill) -> str:
        printed = reverse("admin:office_carrierbill_print", args=[bill.pk])
        return format_html(
            '<a class="text-primary-600" href="{}" target="_blank">{}</a> · '
            '<a class="text-primary-600" href="{}?format=pdf">PDF</a> · '
            '<a class="text-primary-600" href="{}" data-testid="bill-xlsx">{}</a>',
            printed,
            _("Reconciliation sheet"),
            printed,
            reverse("admin:office_carrierbill_xlsx", args=[bill.pk]),
            _("Excel: every line"),
        )

    def print_context(self, bill: CarrierBill) -> dict[str, Any]:
        lines = bill.lines.exclude(match=CarrierBillLine.Match.MATCHED)
        missing = bill_missing(bill)
        shown_lines = list(lines.select_related("mail_item").order_by("line_no")[:PRINTED_LINES])
        shown_missing = list(missing[:PRINTED_LINES])
        return {
            "bill": bill,
            "summary": bill_summary(bill),
            "lines": shown_lines,
            "more_lines": lines.count() - len(shown_lines)
            if len(shown_lines) == PRINTED_LINES
            else 0,
            "missing": shown_missing,
            "more_missing": missing.count() - len(shown_missing)
            if len(shown_missing) == PRINTED_LINES
            else 0,
        }

    def print_filename(self, bill: CarrierBill) -> str:
        return f"{bill.carrier.code}-{bill.month:%Y-%m}"

    def lines_xlsx_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Every line of the bill with what it matched, and the register's entries the bill
        lacks: the sheet a clerk sends back to the carrier."""
        bill = object_or_404(self.get_queryset(request), pk)
        if not self.has_view_permission(request, bill):
            raise PermissionDenied
        content = querysets_to_xlsx(
            [
                (
                    str(_("Bill lines")),
                    bill.lines.select_related("mail_item").order_by("line_no"),
                    [
                        "line_no",
                        "tracking_number",
                        "shipped_on",
                        "weight",
                        "fee",
                        "expected",
                        "match",
                        "mail_item",
                    ],
                ),
                (
                    str(_("Not on the bill")),
                    bill_missing(bill).select_related("carrier"),
                    ["number", "tracking_number", "shipped_on", "counterparty", "cost", "status"],
                ),
            ]
        )
        return xlsx_response(content, filename=self.print_filename(bill))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = BillUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["carrier", "month_text", "file", "tolerance"] if obj is None else self.shown

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.shown

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description=_("month"), ordering="month")
    def month_shown(self, bill: CarrierBill) -> str:
        return bill.month.strftime("%Y-%m")

    @admin.display(description=_("matching"))
    def matching(self, bill: CarrierBill) -> str:
        summary = bill_summary(bill)
        rows = [
            [value["label"], value["lines"], format_number(value["fee"])]
            for value in summary["matches"].values()
        ]
        rows.append(
            [
                _("In the register, not on the bill"),
                summary["missing"]["entries"],
                format_number(summary["missing"]["cost"]),
            ]
        )
        rows.append([_("Billed above the expected cost"), "", format_number(summary["difference"])])
        return _table([_("match"), _("lines"), _("amount")], rows)

    @admin.display(description=_("lines to look at"))
    def lines_to_check(self, bill: CarrierBill) -> str:
        """Those not matched as they are: a fee differing, not in the register, settled in
        an earlier bill (the first SHOWN_LINES; the API and the export have them all)."""
        rows = []
        lines = bill.lines.exclude(match=CarrierBillLine.Match.MATCHED).select_related("mail_item")
        for line in lines.order_by("line_no")[:SHOWN_LINES]:
            item = line.mail_item
            link = (
                format_html(
                    '<a class="text-primary-600" href="{}">{}</a>',
                    reverse("admin:office_mailitem_change", args=[item.pk]),
                    item.number,
                )
                if item
                else "—"
            )
            rows.append(
                [
                    line.line_no,
                    line.tracking_number,
                    line.shipped_on.isoformat() if line.shipped_on else "—",
                    format_number(line.fee),
                    "—" if line.expected is None else format_number(line.expected),
                    line.get_match_display(),
                    link,
                ]
            )
        return _table(
            [
                _("line"),
                _("tracking number"),
                _("date"),
                _("fee"),
                _("expected cost"),
                _("match"),
                _("mail item"),
            ],
            rows,
        )

    @admin.display(description=_("in the register, not on the bill"))
    def missing_entries(self, bill: CarrierBill) -> str:
        rows = []
        for item in bill_missing(bill).select_related("customer")[:SHOWN_LINES]:
            url = reverse("admin:office_mailitem_change", args=[item.pk])
            rows.append(
                [
                    format_html('<a class="text-primary-600" href="{}">{}</a>', url, item.number),
                    item.tracking_number,
                    item.shipped_on.isoformat(),
                    item.counterparty,
                    format_number(item.cost),
                    item.get_status_display(),
                ]
            )
        return _table(
            [
                _("register number"),
                _("tracking number"),
                _("date"),
                _("counterparty"),
                _("expected cost"),
                _("status"),
            ],
            rows,
        )

    def save_model(self, request, obj, form, change) -> None:
        upload = form.cleaned_data["file"]
        bill, _changed = services.bill_upload(
            by=request.user,
            carrier=form.cleaned_data["carrier"],
            month=form.month(),
            content=upload.read(),
            filename=upload.name,
            tolerance=form.cleaned_data.get("tolerance"),
        )
        obj.pk, obj.month, obj.carrier = bill.pk, bill.month, bill.carrier
