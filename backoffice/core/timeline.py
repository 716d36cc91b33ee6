"""Which records belong on a record's timeline. The customer file shows calls, papers,
orders, deliveries… but parties may not import the apps above it (STYLE §2): those apps
register their rows here instead, in their AppConfig.ready()."""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import QuerySet

TimelineSource = Callable[[Any], tuple[type[models.Model], QuerySet]]

_sources: dict[str, list[TimelineSource]] = {}


def register_timeline_source(subject: type[models.Model], source: TimelineSource) -> None:
    """`source(subject_obj)` returns (model, queryset of that model's rows for the subject)."""
    _sources.setdefault(subject._meta.label_lower, []).append(source)


def timeline_sources(subject: type[models.Model]) -> list[TimelineSource]:
    return list(_sources.get(subject._meta.label_lower, []))
