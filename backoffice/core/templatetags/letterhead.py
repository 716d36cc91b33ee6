"""The seller's letterhead on every print and its seal on sealed documents
(`core/print_base.html` renders the letterhead; a sealed document fills its `seal` block
with `{% company_seal %}`)."""

from typing import Any

from django import template

from backoffice.core.company import company_settings, image_data_uri

register = template.Library()


@register.inclusion_tag("core/letterhead.html")
def letterhead() -> dict[str, Any]:
    company = company_settings()
    return {"company": company, "logo": image_data_uri(company.logo) if company else ""}


@register.inclusion_tag("core/seal.html")
def company_seal(right: str = "30%") -> dict[str, Any]:
    """The seal, stamped over the signature row: `right` places it over the seller's box."""
    company = company_settings()
    return {
        "company": company,
        "seal": image_data_uri(company.seal) if company else "",
        "right": right,
    }
