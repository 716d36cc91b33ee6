"""The page of a failed customer import (issue 15 §22, the Chinese UI walk): row errors are
listed with the advice to correct the file (no retry: the same file fails the same way); a
run that died says so and offers the retry."""

import pytest
from django.utils import timezone

from backoffice.core.imports import stale_problem
from backoffice.parties.imports import customer_import_run
from backoffice.parties.models import CustomerImport
from backoffice.parties.tests.test_import import GOOD, xlsx

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _page(client, record) -> str:
    response = client.get(f"/parties/customerimport/{record.pk}/result/", **ZH)
    assert response.status_code == 200
    return response.content.decode()


def test_row_errors_are_listed_and_the_file_is_to_be_corrected_not_retried(
    client, clerk, rep_wang, region_north
):
    bad = [["", "医院", "north", "", "", "", "", "rep_wang"]]
    record, result = customer_import_run(content=xlsx(bad), filename="c.xlsx", by=clerk)
    assert record.status == CustomerImport.Status.FAILED and not result.ok
    client.force_login(clerk)
    page = _page(client, record)
    assert 'data-testid="import-errors"' in page and "名称" in page
    assert "请更正后重新上传" in page or "重新上传" in page
    assert 'data-testid="step-retry"' not in page


def test_a_run_that_died_says_what_failed_and_offers_the_retry(client, clerk, rep_wang):
    record, _ = customer_import_run(content=xlsx(GOOD), filename="c.xlsx", by=clerk)
    CustomerImport.objects.filter(pk=record.pk).update(
        status=CustomerImport.Status.FAILED,
        errors=[stale_problem()],
        finished_at=timezone.now(),
        sha256="other",
    )
    client.force_login(clerk)
    page = _page(client, record)
    assert 'data-testid="import-errors"' not in page  # no table of rows
    assert 'data-testid="import-failure"' in page
    assert "<table" not in page.split('data-testid="import-failure"')[1].split("</div>")[0]
    assert 'data-testid="step-retry"' in page


def test_a_failure_with_no_problem_recorded_offers_the_retry(client, clerk, rep_wang):
    record, _ = customer_import_run(content=xlsx(GOOD), filename="c.xlsx", by=clerk)
    CustomerImport.objects.filter(pk=record.pk).update(
        status=CustomerImport.Status.FAILED, errors=[], sha256="other"
    )
    client.force_login(clerk)
    page = _page(client, record)
    assert 'data-testid="import-errors"' not in page
    assert 'data-testid="import-failure"' in page and 'data-testid="step-retry"' in page
