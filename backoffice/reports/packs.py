"""The report pack (issue #6): for each day, month, quarter and year, the reports managers
read — sales (summary, by region, rep or category, with the change against the previous
period and last year), and from a month up contract statistics, billing statistics and AR
aging at the period's end — as one PDF (Chinese rendered) and one Excel workbook, archived
as a ReportPack, emailed to the schedule's recipients, signed off by a manager.

The daily job builds what the day completes: yesterday's daily pack, and on the first day
of a month, quarter or year the pack of the one that ended. Building twice replaces the
files; emailing happens once per pack."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit.services import audit_record
from backoffice.core.access import COMPANY, permission_required
from backoffice.core.excel import neutralise
from backoffice.core.exceptions import ApplicationError
from backoffice.core.money import ZERO
from backoffice.core.notifications import notify
from backoffice.ledger.selectors import BUCKETS, aging
from backoffice.parties.models import Customer
from backoffice.reports.billing import billing_statistics
from backoffice.reports.contracts import contract_statistics
from backoffice.reports.models import PackKind, PackSchedule, ReportPack
from backoffice.reports.sales import SalesQuery, previous_start, sales_statistics

PERIOD = {
    PackKind.DAILY: "day",
    PackKind.MONTHLY: "month",
    PackKind.QUARTERLY: "quarter",
    PackKind.ANNUAL: "year",
}
SIGNED_OFF_KINDS = (PackKind.MONTHLY, PackKind.QUARTERLY, PackKind.ANNUAL)
AGING_TOP = 30


class PackNotSignable(ApplicationError):
    code = "pack_not_signable"
    default_message = gettext_lazy("Only monthly, quarterly and annual packs are signed off.")


class PackSignedOff(ApplicationError):
    code = "pack_signed_off"
    default_message = gettext_lazy("This pack is signed off already.")


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    note: str = ""
    text_columns: int = 1  # the leading columns that are words, not numbers


def pack_period(kind: str, start: date) -> tuple[date, date, str]:
    """The period of a pack beginning on `start`: (first day, last day, label)."""
    if kind == PackKind.DAILY:
        return start, start, start.isoformat()
    if kind == PackKind.ANNUAL:
        return start, date(start.year, 12, 31), f"{start.year}"
    months = 1 if kind == PackKind.MONTHLY else 3
    month = start.month - 1 + months
    end = date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    if kind == PackKind.MONTHLY:
        return start, end, f"{start.year}-{start.month:02d}"
    return start, end, f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def periods_completed(today: date) -> list[tuple[str, date]]:
    """The packs whose period ended yesterday: (kind, first day of the period)."""
    yesterday = today - timedelta(days=1)
    due = [(PackKind.DAILY, yesterday)]
    if today.day == 1:
        due.append((PackKind.MONTHLY, yesterday.replace(day=1)))
        if today.month in (1, 4, 7, 10):
            due.append((PackKind.QUARTERLY, previous_start(today.replace(day=1), "quarter")))
        if today.month == 1:
            due.append((PackKind.ANNUAL, date(today.year - 1, 1, 1)))
    return due


def _count(quantity: Decimal) -> Decimal | int:
    """Whole quantities read as whole numbers."""
    return int(quantity) if quantity == quantity.to_integral_value() else quantity


def _pct(change: str | None) -> str:
    return f"{change}%" if change is not None else "—"


def _names(group: str, codes: set[str]) -> dict[str, str]:
    """Codes are what reports return; a manager reads names."""
    from django.contrib.auth import get_user_model

    from backoffice.accounts.models import Region
    from backoffice.catalog.models import ProductCategory

    model, code, name = {
        "region": (Region, "code", "name"),
        "rep": (get_user_model(), "username", "full_name"),
        "category": (ProductCategory, "code", "name"),
        "customer": (Customer, "code", "name"),
    }[group]
    return dict(model.objects.filter(**{f"{code}__in": codes}).values_list(code, name))


def _sales_rows(query: SalesQuery, group: str) -> Section:
    report = sales_statistics(by=COMPANY, query=query)
    names = _names(group, {row[group] for row in report["rows"]})
    titles = {
        "region": _("Sales by region"),
        "rep": _("Sales by rep"),
        "category": _("Sales by product category"),
        "customer": _("Sales by customer"),
    }
    section = Section(
        title=titles[group],
        text_columns=2,
        columns=[
            _("Code"),
            _("Name"),
            _("Quantity"),
            _("Amount (incl. VAT)"),
            _("Net amount"),
            _("Orders"),
            _("vs previous period"),
            _("vs last year"),
        ],
    )
    for row in sorted(report["rows"], key=lambda r: -r["amount"]):
        section.rows.append(
            [
                row[group] or "—",
                names.get(row[group]) or "—",
                _count(row["quantity"]),
                row["amount"],
                row["net_amount"],
                row["orders"],
                _pct(row["change_previous"]),
                _pct(row["change_last_year"]),
            ]
        )
    totals = report["totals"]
    section.total = [
        _("Total"),
        "",
        _count(totals["quantity"]),
        totals["amount"],
        totals["net_amount"],
        totals["orders"],
        "",
        "",
    ]
    return section


def pack_sections(kind: str, start: date, end: date) -> list[Section]:
    period = PERIOD[kind]
    summary = Section(
        title=_("Summary"),
        columns=[
            _("Basis"),
            _("Amount (incl. VAT)"),
            _("Net amount"),
            _("Orders"),
            _("vs previous period"),
            _("vs last year"),
        ],
    )
    for basis, label in (
        ("ordered", _("Ordered")),
        ("delivered", _("Delivered")),
        ("invoiced", _("Invoiced")),
    ):
        report = sales_statistics(by=COMPANY, query=SalesQuery(start, end, period, (), basis))
        row = report["rows"][0] if report["rows"] else None
        summary.rows.append(
            [
                label,
                report["totals"]["amount"],
                report["totals"]["net_amount"],
                report["totals"]["orders"],
                _pct(row["change_previous"]) if row else "—",
                _pct(row["change_last_year"]) if row else "—",
            ]
        )
    sections = [summary]
    groups = (
        ("region", "rep", "customer") if kind == PackKind.DAILY else ("region", "rep", "category")
    )
    for group in groups:
        sections.append(_sales_rows(SalesQuery(start, end, period, (group,), "ordered"), group))
    if kind == PackKind.DAILY:
        return sections
    contracts, contract_totals = contract_statistics(
        by=COMPANY, date_from=start, date_to=end, period=period
    )
    measures = ["signed", "signed_amount", "ordered", "delivered", "invoiced", "received"]
    sections.append(
        Section(
            title=_("Contract performance"),
            columns=[
                _("Period"),
                _("Signed"),
                _("Signed amount"),
                _("Ordered"),
                _("Delivered"),
                _("Invoiced"),
                _("Received"),
            ],
            rows=[[row["period"], *(row[m] for m in measures)] for row in contracts],
            total=[_("Total"), *(contract_totals[m] for m in measures)],
        )
    )
    billing, billing_totals = billing_statistics(
        by=COMPANY, date_from=start, date_to=end, group_by=["invoice_type"]
    )
    sections.append(
        Section(
            title=_("Billing statistics"),
            columns=[
                _("Invoice type"),
                _("Invoices"),
                _("Amount (incl. VAT)"),
                _("Net amount"),
                _("VAT"),
            ],
            rows=[
                [
                    row["invoice_type_name"],
                    row["invoices"],
                    row["gross_amount"],
                    row["net_amount"],
                    row["tax_amount"],
                ]
                for row in billing
            ],
            total=[
                _("Total"),
                billing_totals["invoices"],
                billing_totals["gross_amount"],
                billing_totals["net_amount"],
                billing_totals["tax_amount"],
            ],
        )
    )
    rows, totals = aging(as_of=end, customers=Customer.objects.all())
    buckets = [name for _limit, name in BUCKETS]
    largest = sorted(rows, key=lambda row: -row.total)[:AGING_TOP]
    sections.append(
        Section(
            title=_("Receivables aging at %(date)s") % {"date": end.isoformat()},
            columns=[_("Customer"), *buckets, _("Total")],
            rows=[[row.customer, *(row.buckets[b] for b in buckets), row.total] for row in largest],
            total=[_("Total"), *(totals[b] for b in buckets), sum(totals.values(), ZERO)],
            note=_("The %(count)d customers who owe most, of %(all)d.")
            % {"count": len(largest), "all": len(rows)}
            if len(rows) > AGING_TOP
            else "",
        )
    )
    return sections


def _workbook(pack: ReportPack, sections: list[Section]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for index, section in enumerate(sections, 1):
        sheet = book.create_sheet(f"{index} {section.title}"[:31].replace("/", "-"))
        sheet.append([f"{pack} — {section.title}"])
        sheet["A1"].font = Font(bold=True)
        sheet.append(section.columns)
        for row in section.rows:
            sheet.append([neutralise(c) if isinstance(c, str) else c for c in row])
        if section.total:
            sheet.append(section.total)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        if section.note:
            sheet.append([section.note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pdf(pack: ReportPack, sections: list[Section]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reports/pack_print.html",
        {"pack": pack, "sections": sections, "generated_at": timezone.localtime()},
    )
    return HTML(string=html).write_pdf()


def report_pack_build(*, kind: str, start: date) -> ReportPack:
    """Compute and archive one pack (again, if it exists: its files are replaced)."""
    start, end, label = pack_period(kind, start)
    with translation.override(
        settings.REPORT_PACK_LANGUAGE
    ):  # the language the packs are written in
        pack, _created = ReportPack.objects.get_or_create(
            kind=kind, period_start=start, defaults={"period_end": end, "label": label}
        )
        sections = pack_sections(kind, start, end)
        name = f"{kind}-{label}"
        for field_name, content, suffix in (
            ("pdf", _pdf(pack, sections), "pdf"),
            ("xlsx", _workbook(pack, sections), "xlsx"),
        ):
            old = getattr(pack, field_name)
            if old:
                old.delete(save=False)
            getattr(pack, field_name).save(f"{name}.{suffix}", ContentFile(content), save=False)
        pack.save()
    return pack


def report_pack_send(pack: ReportPack) -> int:
    """Email the pack's PDF and workbook to its schedule's recipients, once; they also get
    an in-app notification with the link. Returns how many were sent to."""
    if pack.emailed_at:
        return 0
    schedule = PackSchedule.objects.filter(kind=pack.kind, is_active=True).first()
    people = [u for u in (schedule.recipients.filter(is_active=True) if schedule else []) if u]
    if not people:
        return 0
    url = reverse("admin:reports_reportpack_change", args=[pack.pk])
    with translation.override(settings.REPORT_PACK_LANGUAGE):
        title = _("Report pack: %(pack)s") % {"pack": pack}
        body = _("The %(pack)s report pack is attached (PDF and Excel).") % {"pack": pack}
    notify(recipients=people, title=title, body=body, url=url, email=False)
    emails = sorted({u.email for u in people if u.email})
    if emails:
        message = EmailMessage(title, body, settings.DEFAULT_FROM_EMAIL, emails)
        for upload, mime in (
            (pack.pdf, "application/pdf"),
            (pack.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ):
            with upload.open("rb") as handle:
                message.attach(upload.name.rsplit("/", 1)[-1], handle.read(), mime)
        message.send()
    pack.emailed_at = timezone.now()
    pack.emailed_to = emails
    pack.save(update_fields=["emailed_at", "emailed_to", "updated_at"])
    return len(people)


@permission_required("reports.sign_off_reportpack")
def report_pack_sign_off(*, pack: ReportPack, by: Any, note: str = "") -> ReportPack:
    if pack.kind not in SIGNED_OFF_KINDS:
        raise PackNotSignable()
    with transaction.atomic():
        pack = ReportPack.objects.select_for_update().get(pk=pack.pk)
        if pack.signed_off_at:
            raise PackSignedOff(extra={"by": str(pack.signed_off_by)})
        pack.signed_off_at = timezone.now()
        pack.signed_off_by = by
        pack.sign_off_note = note.strip()
        pack.save(update_fields=["signed_off_at", "signed_off_by", "sign_off_note", "updated_at"])
        audit_record(
            by=by, action="action", obj=pack, note=_("Signed off") + (f": {note}" if note else "")
        )
    return pack


def report_packs_run(*, today: date | None = None) -> dict[str, int]:
    """The daily job: build the packs of the periods that ended yesterday, email them."""
    today = today or timezone.localdate()
    built = sent = 0
    for kind, start in periods_completed(today):
        pack = report_pack_build(kind=kind, start=start)
        built += 1
        sent += report_pack_send(pack)
    return {"built": built, "sent_to": sent}
