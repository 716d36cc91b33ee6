"""Writes of the report pack (issue #6): build a period's pack as one PDF (Chinese rendered)
and one Excel workbook from its sections (selectors/packs.py), archive it as a ReportPack,
email it to the schedule's recipients once, and record a manager's sign-off.

The daily job builds what the day completes: yesterday's daily pack, and on the first day
of a month, quarter or year the pack of the one that ended. Building twice replaces the
files; emailing happens once per pack."""

from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.excel import neutralise
from backoffice.core.notifications import absolute_url, language_of, notify
from backoffice.core.replicas import replica_reads
from backoffice.reports.exceptions import PackNotSignable, PackSignedOff
from backoffice.reports.models import PackSchedule, ReportPack
from backoffice.reports.selectors.packs import (
    SIGNED_OFF_KINDS,
    Section,
    pack_period,
    pack_sections,
    periods_completed,
)


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
        with replica_reads():  # a period that ended: a replica's few seconds of lag change nothing
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
    # One mail per person, in their language, with a link a mail client opens; the files
    # themselves are one document for everyone, in REPORT_PACK_LANGUAGE.
    files = []
    for upload, mime in (
        (pack.pdf, "application/pdf"),
        (pack.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        with upload.open("rb") as handle:
            files.append((upload.name.rsplit("/", 1)[-1], handle.read(), mime))
    emails = []
    for person in sorted(people, key=lambda u: u.email):
        if not person.email or person.email in emails:
            continue
        emails.append(person.email)
        with translation.override(language_of(person)):
            message = EmailMessage(
                _("Report pack: %(pack)s") % {"pack": pack},
                _("The %(pack)s report pack is attached (PDF and Excel).") % {"pack": pack}
                + f"\n\n{absolute_url(url)}",
                settings.DEFAULT_FROM_EMAIL,
                [person.email],
            )
        for name, content, mime in files:
            message.attach(name, content, mime)
        message.send()
    pack.emailed_at = timezone.now()
    pack.emailed_to = emails
    pack.save(update_fields=["emailed_at", "emailed_to", "updated_at"])
    return len(people)


@permission_required("reports.sign_off_reportpack")
def report_pack_sign_off(*, pack: ReportPack, by: Actor, note: str = "") -> ReportPack:
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
