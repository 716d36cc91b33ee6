"""The query parameters of the review queue (applied by `core.api.filtered`)."""

import django_filters

from backoffice.reviews.models import ReviewRequest
from backoffice.reviews.registry import registrations


def _kinds() -> list[tuple[str, str]]:
    return [(registration.kind, str(registration.label)) for registration in registrations()]


_kinds.in_schema = True  # type: ignore[attr-defined]  # the schema lists the kinds (core.schema)


class ReviewRequestFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=_kinds, help_text="document kind, e.g. sales.delivery"
    )

    class Meta:
        model = ReviewRequest
        fields: list[str] = []
