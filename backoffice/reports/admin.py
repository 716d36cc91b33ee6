"""The report pack archive (download, sign off) and who receives each kind of pack."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from backoffice.core.admin import BaseModelAdmin, object_or_404
from backoffice.core.files import ZIP_TYPES, download_response
from backoffice.core.steps import Step, StepForm
from backoffice.reports.models import PackSchedule, ReportPack
from backoffice.reports.selectors.packs import SIGNED_OFF_KINDS
from backoffice.reports.services import report_pack_sign_off


class PackSignOffForm(StepForm):
    note = forms.CharField(label=_("note (optional)"), max_length=2000, required=False)


@admin.register(ReportPack)
class ReportPackAdmin(BaseModelAdmin):
    list_display = ["__str__", "period_start", "period_end", "files", "emailed_at", "signed_off"]
    list_filter = ["kind", ("signed_off_at", admin.EmptyFieldListFilter)]
    search_fields = ["label"]
    readonly_fields = [
        "kind",
        "label",
        "period_start",
        "period_end",
        "emailed_at",
        "emailed_to_list",
        "signed_off_by",
        "signed_off_at",
        "sign_off_note",
    ]
    exclude = ["pdf", "xlsx", "emailed_to"]
    object_views = {"pdf": "pdf_view", "xlsx": "xlsx_view"}
    steps = [
        Step(
            "sign_off",
            _("Sign off"),
            report_pack_sign_off,
            document="pack",
            when=lambda pack: pack.kind in SIGNED_OFF_KINDS and not pack.signed_off_at,
            form=PackSignOffForm,
            title=_("Sign off this pack"),
            done=_("Signed off."),
        )
    ]
    change_form_outer_after_template = "reports/pack_actions.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the daily job builds packs

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an archive

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @display(description=_("files"))
    def files(self, obj: ReportPack) -> str:
        from django.utils.html import format_html

        return format_html(
            '<a class="text-primary-600" href="{}">PDF</a> · <a class="text-primary-600" '
            'href="{}">Excel</a>',
            reverse("admin:reports_reportpack_pdf", args=[obj.pk]),
            reverse("admin:reports_reportpack_xlsx", args=[obj.pk]),
        )

    @display(description=_("emailed to"))
    def emailed_to_list(self, obj: ReportPack) -> str:
        return "、".join(obj.emailed_to) or "—"

    @display(description=_("signed off"), boolean=True)
    def signed_off(self, obj: ReportPack) -> bool | None:
        return bool(obj.signed_off_at) if obj.kind in SIGNED_OFF_KINDS else None

    def _file(self, request: HttpRequest, pk: int, field: str) -> FileResponse:
        if not request.user.has_perm("reports.view_reportpack"):
            raise PermissionDenied
        pack = object_or_404(self.get_queryset(request), pk)
        mime = {"pdf": "application/pdf", "xlsx": ZIP_TYPES["xlsx"]}[field]
        return download_response(
            getattr(pack, field), filename=f"{pack}.{field}".replace(" ", "-"), mime_type=mime
        )

    def pdf_view(self, request: HttpRequest, pk: int) -> FileResponse:
        return self._file(request, pk, "pdf")

    def xlsx_view(self, request: HttpRequest, pk: int) -> FileResponse:
        return self._file(request, pk, "xlsx")


@admin.register(PackSchedule)
class PackScheduleAdmin(BaseModelAdmin):
    list_display = ["__str__", "is_active", "recipient_list"]
    fields = ["kind", "is_active", "recipients"]
    readonly_fields = ["kind"]
    filter_horizontal = ["recipients"]
    actions_list: list[str] = []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one per kind, made by the migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @display(description=_("recipients"))
    def recipient_list(self, obj: PackSchedule) -> str:
        return "、".join(str(u) for u in obj.recipients.all()) or "—"
