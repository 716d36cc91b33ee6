"""Printable documents: the same template as an HTML page (print from the browser) or, with
?format=pdf, as a PDF rendered by WeasyPrint with the CJK fonts of the machine.

The documents are Chinese business papers (随货同行单, 对账单…), written in Chinese in their
templates: what they show of the system's own words (a status, a basis, a column) is in
Chinese too, whatever the language of the person printing, never half in English."""

from contextlib import nullcontext
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

PRINT_LANGUAGE = "zh-hans"


def print_language() -> translation.override:
    """The language a printed document is made in (for a view that words its contents
    before rendering them: the sales report's columns)."""
    return translation.override(PRINT_LANGUAGE)


def render_document(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    filename: str,
    language: str | None = PRINT_LANGUAGE,
) -> HttpResponse:
    """The document as a page or a PDF, in `language` (None: the reader's, for a page that
    is also a form: the statement's period picker)."""
    with translation.override(language) if language else nullcontext():
        html = render_to_string(template, context, request=request)
    if request.GET.get("format") != "pdf":
        return HttpResponse(html)
    from weasyprint import HTML  # imported late: it loads Pango, which the web page never needs

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response
