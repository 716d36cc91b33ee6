"""The report pack (issue #6): built for each period that ends, PDF and Excel archived,
emailed once to the recipients chosen, signed off by a manager from a month up."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from openpyxl import load_workbook

from backoffice.accounts.services import user_create
from backoffice.audit.models import AuditEvent
from backoffice.core.exceptions import NotAllowed
from backoffice.reports.exceptions import PackNotSignable, PackSignedOff
from backoffice.reports.models import PackSchedule, ReportPack
from backoffice.reports.selectors.packs import pack_period, periods_completed
from backoffice.reports.selectors.sales import SalesQuery, sales_statistics
from backoffice.reports.services import report_pack_sign_off, report_packs_run
from backoffice.sales.history import history_import_run, sources_in
from bench.dataset import Size, generate


@pytest.fixture
def history(tmp_path, db):
    generate(tmp_path / "files", Size(orders=150, customers=15, products=8, reps=6), seed=3)
    assert history_import_run(sources=sources_in(tmp_path / "files"), by=None).status == "succeeded"


@pytest.fixture
def manager(db):
    return user_create(
        username="sm", role="sales_manager", email="sm@example.com", language="zh-hans"
    )


def test_the_periods_a_day_completes():
    assert periods_completed(date(2025, 3, 14)) == [("daily", date(2025, 3, 13))]
    assert periods_completed(date(2025, 1, 1)) == [
        ("daily", date(2024, 12, 31)),
        ("monthly", date(2024, 12, 1)),
        ("quarterly", date(2024, 10, 1)),
        ("annual", date(2024, 1, 1)),
    ]
    assert pack_period("quarterly", date(2024, 10, 1)) == (
        date(2024, 10, 1),
        date(2024, 12, 31),
        "2024-Q4",
    )
    assert pack_period("monthly", date(2024, 2, 1))[1] == date(2024, 2, 29)


@pytest.mark.django_db
def test_packs_are_built_archived_and_emailed_once(history, manager, clerk):
    PackSchedule.objects.get(kind="monthly").recipients.add(manager)
    PackSchedule.objects.get(kind="annual").recipients.add(manager, clerk)
    result = report_packs_run(today=date(2025, 1, 1))
    assert result["built"] == 4
    packs = {p.kind: p for p in ReportPack.objects.all()}
    assert set(packs) == {"daily", "monthly", "quarterly", "annual"}
    annual = packs["annual"]
    assert annual.label == "2024" and annual.period_end == date(2024, 12, 31)
    with annual.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with annual.xlsx.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    summary = book.worksheets[0]
    ordered = next(row for row in summary.iter_rows(values_only=True) if row[0] == "已下单")
    expected = sales_statistics(
        by=manager, query=SalesQuery(date(2024, 1, 1), date(2024, 12, 31), "year", (), "ordered")
    )["totals"]["amount"]
    assert Decimal(str(ordered[1])) == expected and expected > 0
    assert any("应收账款账龄" in sheet.title or "账龄" in sheet.title for sheet in book.worksheets)
    # Mail: one per pack with recipients, PDF and workbook attached, never twice.
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if "2024" in m.subject and "年" in m.subject)
    assert sorted(message.to) == sorted({"sm@example.com", clerk.email} - {""})
    assert [name.rsplit(".", 1)[1] for name, _c, _m in message.attachments] == ["pdf", "xlsx"]
    assert ReportPack.objects.get(kind="monthly").emailed_to == ["sm@example.com"]
    report_packs_run(today=date(2025, 1, 1))
    assert len(mail.outbox) == 2 and ReportPack.objects.count() == 4


@pytest.mark.django_db
def test_a_manager_signs_off_a_monthly_pack_once(history, manager, rep_wang):
    report_packs_run(today=date(2024, 7, 1))
    monthly = ReportPack.objects.get(kind="monthly")
    with pytest.raises(NotAllowed):
        report_pack_sign_off(pack=monthly, by=rep_wang)
    with pytest.raises(PackNotSignable):
        report_pack_sign_off(pack=ReportPack.objects.get(kind="daily"), by=manager)
    signed = report_pack_sign_off(pack=monthly, by=manager, note="数据已核对")
    assert signed.signed_off_by == manager and signed.sign_off_note == "数据已核对"
    assert AuditEvent.objects.filter(object_id=str(monthly.pk), model="reports.reportpack").exists()
    with pytest.raises(PackSignedOff):
        report_pack_sign_off(pack=monthly, by=manager)


@pytest.mark.django_db
def test_the_archive_pages_download_and_sign_off(client, history, manager, rep_wang):
    report_packs_run(today=date(2024, 7, 1))
    monthly = ReportPack.objects.get(kind="monthly")
    client.force_login(rep_wang)
    assert client.get(f"/reports/reportpack/{monthly.pk}/pdf/").status_code == 403
    client.force_login(manager)
    page = client.get(f"/reports/reportpack/{monthly.pk}/change/").content.decode()
    assert 'data-testid="step-sign_off"' in page
    pdf = client.get(f"/reports/reportpack/{monthly.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    xlsx = client.get(f"/reports/reportpack/{monthly.pk}/xlsx/")
    assert xlsx.status_code == 200
    for download, extension in [(pdf, ".pdf"), (xlsx, ".xlsx")]:  # issue 15 §25
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["Content-Disposition"].endswith(f'{extension}"')
        assert download["X-Content-Type-Options"] == "nosniff"
    client.post(f"/reports/reportpack/{monthly.pk}/step/sign_off/", {"note": "ok"})
    monthly.refresh_from_db()
    assert monthly.signed_off_by == manager
    schedules = client.get("/reports/packschedule/")
    assert schedules.status_code == 200
