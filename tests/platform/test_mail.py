"""The system's mail (issue 14 §7): each recipient gets a mail of their own, in their own
language, with a link a mail client can open (built on SITE_URL)."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from backoffice.accounts.models import User
from backoffice.accounts.services import user_create
from backoffice.parties.models import QualificationType
from backoffice.parties.services import qualification_create, qualification_submit
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reports.models import PackSchedule, ReportPack
from backoffice.reports.services import report_pack_send
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

SITE = "https://backoffice.example.com"


@pytest.fixture
def mail_on(settings):
    settings.EMAIL_ENABLED = True
    settings.SITE_URL = SITE


def _person(username: str, language: str, role: str = "clerk") -> User:
    return user_create(
        username=username, role=role, email=f"{username}@example.com", language=language
    )


@pytest.mark.django_db
def test_a_review_request_is_one_mail_per_reviewer_in_their_language(
    mail_on, hospital, rep_wang, django_capture_on_commit_callbacks, mailoutbox
):
    chen = _person("chen", "zh-hans")
    smith = _person("smith", "en")
    nobody = _person("nolang", "")  # no choice: the site's language (en in the tests)
    paper = qualification_create(
        customer=hospital,
        by=rep_wang,
        qualification_type=QualificationType.objects.get(code="business_licence"),
        number="2",
        valid_from=date(2020, 1, 1),
        valid_to=date(2099, 1, 1),
        scan=pdf_upload(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        qualification_submit(qualification=paper, by=rep_wang)
    link = f"{SITE}/parties/qualification/{paper.pk}/change/"
    mails = {tuple(m.to): m for m in mailoutbox}
    assert all(len(m.to) == 1 for m in mailoutbox)  # nobody sees who else was told
    assert {chen.email, smith.email, nobody.email} <= {m.to[0] for m in mailoutbox}
    chinese = mails[(chen.email,)]
    assert chinese.subject == f"请审核：{paper}"
    assert "提交了" in chinese.body and "等待审核" in chinese.body
    assert link in chinese.body
    for person in (smith, nobody):
        english = mails[(person.email,)]
        assert english.subject == f"Please review: {paper}"
        assert "submitted" in english.body
        assert link in english.body.splitlines()
    # The decision's mail to the author follows the author's language too.
    User.objects.filter(pk=rep_wang.pk).update(email="wang@example.com", language="zh-hans")
    mailoutbox.clear()
    request = review_request_for(paper)
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(request=request, by=chen, verdict="reject", note="扫描件不清晰")
    assert [(m.to, m.subject) for m in mailoutbox] == [(["wang@example.com"], f"已退回：{paper}")]
    assert link in mailoutbox[0].body


@pytest.mark.django_db
def test_a_report_pack_is_one_mail_per_recipient_in_their_language(mail_on, mailoutbox):
    chen = _person("chen", "zh-hans", role="sales_manager")
    smith = _person("smith", "en", role="general_manager")
    PackSchedule.objects.get_or_create(kind="monthly")[0].recipients.set([chen, smith])
    pack = ReportPack(
        kind="monthly",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        label="2026-10",
    )
    pack.pdf.save("m.pdf", ContentFile(b"%PDF-1.4"), save=False)
    pack.xlsx.save("m.xlsx", ContentFile(b"PK"), save=False)
    pack.save()
    assert report_pack_send(pack) == 2
    link = f"{SITE}/reports/reportpack/{pack.pk}/change/"
    mails = {m.to[0]: m for m in mailoutbox}
    assert [len(m.to) for m in mailoutbox] == [1, 1]
    assert mails[chen.email].subject.startswith("报表包：")
    assert mails[smith.email].subject.startswith("Report pack: ")
    for mail in mails.values():
        assert link in mail.body
        assert [name.rsplit(".", 1)[1] for name, _c, _m in mail.attachments] == ["pdf", "xlsx"]


@pytest.mark.django_db
def test_switching_the_language_remembers_it_for_the_mail(clerk):
    client = Client()
    client.force_login(clerk)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=clerk.pk).language == "zh-hans"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # not offered: unchanged
    assert User.objects.get(pk=clerk.pk).language == "zh-hans"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert User.objects.get(pk=clerk.pk).language == "en"
