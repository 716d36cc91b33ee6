"""The customer statement's period picker: presets, a chosen period, and bad dates shown as
errors beside their fields (400), never a 500."""

from datetime import date

import pytest
import time_machine
from django.utils import translation

from backoffice.ledger.forms import period_presets

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_presets_are_this_month_last_month_this_quarter_and_this_year():
    with translation.override("en"):
        presets = [(str(label), s, e) for label, s, e in period_presets(date(2026, 2, 14))]
    assert presets == [
        ("This month", date(2026, 2, 1), date(2026, 2, 28)),
        ("Last month", date(2026, 1, 1), date(2026, 1, 31)),
        ("This quarter", date(2026, 1, 1), date(2026, 3, 31)),
        ("This year", date(2026, 1, 1), date(2026, 12, 31)),
    ]
    january = period_presets(date(2027, 1, 31))
    assert (january[1][1], january[1][2]) == (date(2026, 12, 1), date(2026, 12, 31))
    assert (january[2][1], january[2][2]) == (date(2027, 1, 1), date(2027, 3, 31))
    december = period_presets(date(2026, 12, 31))
    assert (december[2][1], december[2][2]) == (date(2026, 10, 1), date(2026, 12, 31))


@pytest.mark.django_db
def test_the_statement_shows_the_period_picked(client, issued, hospital, clerk):
    client.force_login(clerk)
    with time_machine.travel("2026-11-20T10:00:00+08:00", tick=False):
        page = client.get(f"/statements/{hospital.pk}/", **ZH).content.decode()
    assert "期间：2026-01-01 至 2026-11-20" in page
    assert 'href="?date_from=2026-10-01&amp;date_to=2026-10-31"' in page  # last month
    assert "上月" in page and "本季度" in page
    october = client.get(
        f"/statements/{hospital.pk}/", {"date_from": "2026-10-01", "date_to": "2026-10-31"}
    ).content.decode()
    assert "期间：2026-10-01 至 2026-10-31" in october and "244.32" in october
    september = client.get(
        f"/statements/{hospital.pk}/", {"date_from": "2026-09-01", "date_to": "2026-09-30"}
    ).content.decode()
    assert "244.32" not in september


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "abc"}, "起始日期：日期格式为 YYYY-MM-DD"),
        ({"date_to": "2026-13-45"}, "截止日期：日期格式为 YYYY-MM-DD"),
        ({"date_from": "2026-10-31", "date_to": "2026-10-01"}, "截止日期早于起始日期。"),
        ({"date_from": "abc", "format": "pdf"}, "起始日期：日期格式为 YYYY-MM-DD"),
    ],
)
def test_a_bad_date_is_shown_as_an_error_never_a_500(
    client, issued, hospital, clerk, query, message
):
    client.force_login(clerk)
    response = client.get(f"/statements/{hospital.pk}/", query, **ZH)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "客 户 对 账 单" not in body  # no statement for a period that is not one


@pytest.mark.django_db
def test_the_statement_page_is_in_the_readers_language_and_its_pdf_in_chinese(
    client, issued, hospital, clerk
):
    """The page is also a form (the period picker): in the reader's language whether its
    period is taken or refused (its PDF is made in Chinese: core.printing)."""
    client.force_login(clerk)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    url = f"/statements/{hospital.pk}/"
    assert "Back to the customer" in client.get(url, **english).content.decode()
    refused = client.get(url, {"date_from": "2026-10-31", "date_to": "2026-10-01"}, **english)
    assert refused.status_code == 400 and "Back to the customer" in refused.content.decode()
    printed = client.get(url, {"format": "pdf"}, **english)
    assert printed["Content-Type"] == "application/pdf"
