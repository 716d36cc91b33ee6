"""The query parameters every report reads, one rule for the API and the pages: each bad
value is named, all of them at once, and nothing bad is replaced by a default."""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.api import query_date
from backoffice.core.exceptions import ValidationFailed


def report_dates(params: Any, errors: dict[str, list[str]]) -> tuple[date, date]:
    """date_from (default 1 January) and date_to (default today). A bad one goes into
    `errors`, and its default is returned only for the caller to check the rest: the
    caller raises `ValidationFailed` when `errors` holds anything (`refuse_if`)."""
    today = timezone.localdate()
    dates = {}
    for name, default in (("date_from", today.replace(month=1, day=1)), ("date_to", today)):
        try:
            dates[name] = query_date(params, name, default)
        except ValidationFailed as error:
            errors |= error.extra["fields"]
            dates[name] = default
    if not errors and dates["date_to"] < dates["date_from"]:
        errors["date_to"] = [_("must not be before the start date")]
    return dates["date_from"], dates["date_to"]


def refuse_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(extra={"fields": errors})
