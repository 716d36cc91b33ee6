"""Money formatting in templates, through `core.money` (one place for every rule)."""

from django import template

from backoffice.core.money import format_percent

register = template.Library()


@register.filter
def percent(rate: object) -> str:
    """`{{ line.vat_rate|percent }}`: 0.1300 → 13%. Empty stays empty."""
    if rate is None or rate == "":
        return ""
    return format_percent(rate)
