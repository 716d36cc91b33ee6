from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from backoffice.parties.services import qualification_create
from backoffice.parties.tests.conftest import pdf_upload


@pytest.mark.django_db
def test_daily_jobs_expire_yesterdays_papers(make_customer, clerk, licence_type, capsys):
    paper = qualification_create(
        customer=make_customer(clerk),
        by=clerk,
        qualification_type=licence_type,
        number="1",
        valid_from=date(2020, 1, 1),
        valid_to=timezone.localdate() - timedelta(days=1),
        scan=pdf_upload(),
    )
    call_command("daily_jobs")
    assert "1 expired" in capsys.readouterr().out
    paper.refresh_from_db()
    assert paper.status == "expired"
    call_command("daily_jobs", "--enqueue")  # the test settings run tasks immediately
    assert "enqueued" in capsys.readouterr().out
