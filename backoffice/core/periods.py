"""Periods of the calendar (day, week, month, quarter, year), by their first day: the
reports' periods and comparisons, the budgets' periods. One place, so that a quarter is the
same quarter everywhere."""

from datetime import date, timedelta


def period_start(day: date, period: str) -> date:
    """The first day of the period that holds `day`."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    return day


def period_label(start: date, period: str) -> str:
    """How a period reads: 2026-W05, 2026-03, 2026-Q1, 2026, or the day."""
    if period == "week":
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period == "year":
        return f"{start.year}"
    return start.isoformat()


def shift_start(start: date, period: str, steps: int) -> date:
    """The start of the period `steps` periods after the one starting at `start` (before
    it, when negative)."""
    if period == "day":
        return start + timedelta(days=steps)
    if period == "week":
        return start + timedelta(days=7 * steps)
    month = start.month - 1 + steps * {"month": 1, "quarter": 3, "year": 12}[period]
    return start.replace(year=start.year + month // 12, month=month % 12 + 1)


def period_end(start: date, period: str) -> date:
    """The last day of the period starting on `start`."""
    return shift_start(start, period, 1) - timedelta(days=1)
