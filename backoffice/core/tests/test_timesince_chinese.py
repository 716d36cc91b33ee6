"""How long ago, in Chinese (the UI walk): "11 个月，3 周" for eleven months and more, never "11 月"
(November); our catalogue wins over Django's (LOCALE_PATHS first)."""

from datetime import UTC, datetime, timedelta

from django.utils import translation
from django.utils.timesince import timesince

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _ago(**delta) -> str:
    with translation.override("zh-hans"):
        return timesince(NOW - timedelta(**delta), NOW).replace("\xa0", " ")


def test_months_years_weeks_days_hours_and_minutes_read_naturally():
    assert _ago(days=11 * 30 + 30) == "11 个月，3 周"
    assert _ago(days=365 + 9 * 30 + 5) == "1 年，9 个月"
    assert _ago(days=2, hours=3) == "2 天，3 小时"
    assert _ago(minutes=5) == "5 分钟"
    with translation.override("en"):
        assert timesince(NOW - timedelta(days=40), NOW) == "1\xa0month, 1\xa0week"
