from datetime import date, timedelta

import pytest
import time_machine

from backoffice.core.exceptions import ValidationFailed
from backoffice.core.models import Notification
from backoffice.parties.exceptions import InvalidScan
from backoffice.parties.models import Qualification
from backoffice.parties.selectors import customer_trade_block
from backoffice.parties.services import (
    qualification_create,
    qualification_submit,
    qualifications_expiry_run,
)
from backoffice.parties.tests.conftest import PNG, pdf_upload
from backoffice.reviews.exceptions import SelfReviewForbidden
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide


@pytest.fixture
def second_clerk(db):
    from backoffice.accounts.services import user_create

    return user_create(username="clerk2", role="clerk", full_name="周敏")


@pytest.fixture
def third_clerk(db):
    from backoffice.accounts.services import user_create

    return user_create(username="clerk3", role="clerk", full_name="吴芳")


def _paper(customer, by, paper_type, *, valid_to=None, scan=True):
    return qualification_create(
        customer=customer,
        by=by,
        qualification_type=paper_type,
        number="110000000001",
        issuer="北京市市场监督管理局",
        valid_from=date(2024, 1, 1),
        valid_to=valid_to or date(2030, 12, 31),
        scan=pdf_upload() if scan else None,
    )


@pytest.mark.django_db
def test_verification_needs_two_clerks_never_the_uploader(
    make_customer, clerk, second_clerk, third_clerk, licence_type
):
    customer = make_customer(clerk)
    paper = _paper(customer, clerk, licence_type)
    qualification_submit(qualification=paper, by=clerk)
    review = review_request_for(paper)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review, by=clerk, verdict="approve")
    review_decide(request=review, by=second_clerk, verdict="approve")
    paper.refresh_from_db()
    assert paper.status == "in_review"
    review_decide(request=review, by=third_clerk, verdict="approve")
    paper.refresh_from_db()
    assert paper.status == "verified"
    assert paper.verified_by == third_clerk


@pytest.mark.django_db
def test_a_rejected_paper_goes_back_and_can_be_resubmitted(
    make_customer, clerk, second_clerk, licence_type
):
    paper = _paper(make_customer(clerk), clerk, licence_type)
    qualification_submit(qualification=paper, by=clerk)
    review_decide(
        request=review_request_for(paper), by=second_clerk, verdict="reject", note="扫描件不清晰"
    )
    paper.refresh_from_db()
    assert paper.status == "rejected"
    qualification_submit(qualification=paper, by=clerk)
    assert review_request_for(paper).round == 2


@pytest.mark.django_db
def test_submitting_needs_a_scan_and_a_paper_not_yet_expired(make_customer, clerk, licence_type):
    customer = make_customer(clerk)
    with pytest.raises(ValidationFailed, match="scan"):
        qualification_submit(
            qualification=_paper(customer, clerk, licence_type, scan=False), by=clerk
        )
    old = _paper(customer, clerk, licence_type, valid_to=date(2025, 1, 1))
    with pytest.raises(ValidationFailed, match="expired"):
        qualification_submit(qualification=old, by=clerk)


@pytest.mark.django_db
def test_trade_block_reasons(
    make_customer,
    clerk,
    second_clerk,
    third_clerk,
    finance,
    licence_type,
    drug_licence_type,
    today,
):
    from backoffice.parties.tests.factories import terms_set

    pharmacy = make_customer(clerk, name="同仁堂药店", kind="pharmacy")
    codes = lambda: sorted(r.code for r in customer_trade_block(pharmacy, today=today))  # noqa: E731
    assert codes() == ["missing_qualification", "missing_qualification"]

    licence = _paper(pharmacy, clerk, licence_type)
    qualification_submit(qualification=licence, by=clerk)
    assert codes() == ["missing_qualification", "unverified_qualification"]
    review = review_request_for(licence)
    review_decide(request=review, by=second_clerk, verdict="approve")
    review_decide(request=review, by=third_clerk, verdict="approve")
    assert codes() == ["missing_qualification"]

    drug = _paper(pharmacy, clerk, drug_licence_type, valid_to=today + timedelta(days=10))
    qualification_submit(qualification=drug, by=clerk)
    review = review_request_for(drug)
    review_decide(request=review, by=second_clerk, verdict="approve")
    review_decide(request=review, by=third_clerk, verdict="approve")
    assert customer_trade_block(pharmacy, today=today) == []
    later = today + timedelta(days=11)
    assert [r.code for r in customer_trade_block(pharmacy, today=later)] == [
        "expired_qualification"
    ]

    terms_set(pharmacy, by=clerk, reviewer=finance, customer_status="suspended")
    assert [r.code for r in customer_trade_block(pharmacy, today=today)] == ["customer_status"]


@pytest.mark.django_db
def test_expiry_warnings_at_90_30_and_0_days_then_expired(
    make_customer, clerk, rep_wang, licence_type
):
    customer = make_customer(rep_wang)
    paper = _paper(customer, rep_wang, licence_type, valid_to=date(2027, 3, 31))
    expires_on = date(2027, 4, 1)  # valid through valid_to

    def run_on(day):
        with time_machine.travel(day, tick=False):
            return qualifications_expiry_run(today=day)

    assert run_on(expires_on - timedelta(days=91)) == {"warned": 0, "expired": 0}
    assert run_on(expires_on - timedelta(days=90)) == {"warned": 1, "expired": 0}
    assert run_on(expires_on - timedelta(days=89)) == {"warned": 0, "expired": 0}  # once only
    assert run_on(expires_on - timedelta(days=30)) == {"warned": 1, "expired": 0}
    assert run_on(date(2027, 3, 31)) == {"warned": 0, "expired": 0}  # still valid today
    assert run_on(expires_on) == {"warned": 1, "expired": 1}
    assert run_on(expires_on) == {"warned": 0, "expired": 0}
    paper.refresh_from_db()
    assert paper.status == "expired"
    owner_notes = Notification.objects.filter(recipient=rep_wang).count()
    clerk_notes = Notification.objects.filter(recipient=clerk).count()
    assert (owner_notes, clerk_notes) == (3, 3)


@pytest.mark.django_db
def test_a_scan_is_checked_by_content_not_by_name(make_customer, clerk, licence_type):
    customer = make_customer(clerk)
    with pytest.raises(InvalidScan):
        qualification_create(
            customer=customer,
            by=clerk,
            qualification_type=licence_type,
            number="1",
            valid_from=date(2024, 1, 1),
            valid_to=date(2030, 1, 1),
            scan=pdf_upload("licence.pdf", b"MZ\x90\x00 not a pdf at all"),
        )
    png = qualification_create(
        customer=customer,
        by=clerk,
        qualification_type=licence_type,
        number="2",
        valid_from=date(2024, 1, 1),
        valid_to=date(2030, 1, 1),
        scan=pdf_upload("photo.png", PNG),
    )
    assert png.scan.name.endswith(".png")


@pytest.mark.django_db
def test_a_scan_too_large_is_refused(make_customer, clerk, licence_type, settings):
    settings.SCAN_MAX_BYTES = 1024
    with pytest.raises(InvalidScan, match="KB"):
        qualification_create(
            customer=make_customer(clerk),
            by=clerk,
            qualification_type=licence_type,
            number="1",
            valid_from=date(2024, 1, 1),
            valid_to=date(2030, 1, 1),
            scan=pdf_upload(content=b"%PDF-1.4" + b"0" * 4096),
        )
    assert not Qualification.objects.exists()


@pytest.mark.django_db
def test_path_tricks_in_the_file_name_never_reach_the_disk(
    make_customer, clerk, licence_type, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    paper = qualification_create(
        customer=make_customer(clerk),
        by=clerk,
        qualification_type=licence_type,
        number="1",
        valid_from=date(2024, 1, 1),
        valid_to=date(2030, 1, 1),
        scan=pdf_upload("../../../etc/passwd.pdf.exe"),
    )
    stored = tmp_path / paper.scan.name
    assert stored.is_file()
    assert stored.resolve().is_relative_to(tmp_path.resolve())
    assert "passwd" not in paper.scan.name and ".." not in paper.scan.name
    assert paper.scan.name.endswith(".pdf")
