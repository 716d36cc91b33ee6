"""Printable documents: the same template as an HTML page (print from the browser) or, with
?format=pdf, as a PDF rendered by WeasyPrint with the CJK fonts of the machine."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def render_document(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    if request.GET.get("format") != "pdf":
        return HttpResponse(html)
    from weasyprint import HTML  # imported late: it loads Pango, which the web page never needs

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response
