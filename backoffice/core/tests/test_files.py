"""Uploads (issue 15 §25): a file is named after the type its content was recognised as, and
every stored file leaves as an attachment with nosniff."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backoffice.core.files import attachment_add, download_response, named_as, sniff

# both a PDF (it starts with the signature) and a page a browser would run
POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("report.html", "report.pdf"),
        ("report.pdf.html", "report.pdf.pdf"),
        ("report.htm", "report.pdf"),
        ("report", "report.pdf"),
        (".html", ".html.pdf"),
        ("report.PDF", "report.pdf"),
    ],
)
def test_a_file_takes_the_extension_of_its_content(name, stored):
    extension, _mime = sniff(SimpleUploadedFile(name, POLYGLOT), allow_office=False)
    assert named_as(name, extension) == stored


@pytest.mark.django_db
def test_a_polyglot_attachment_is_kept_and_downloaded_as_a_pdf(client, admin_user, clerk):
    attachment = attachment_add(
        obj=clerk, by=admin_user, upload=SimpleUploadedFile("invoice.html", POLYGLOT)
    )
    assert attachment.original_name == "invoice.pdf"
    assert attachment.file.name.endswith(".pdf")
    client.force_login(admin_user)
    response = client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="invoice.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_download_never_carries_an_extension_other_than_its_type(tmp_path, settings):
    """Rows stored before this rule (an original name ending in .html) leave as their type."""
    from django.core.files.storage import default_storage

    name = default_storage.save("old/scan.pdf", SimpleUploadedFile("scan.pdf", POLYGLOT))
    response = download_response(
        default_storage.open(name), filename="scan.html", mime_type="application/pdf"
    )
    assert 'filename="scan.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    odd = download_response(default_storage.open(name), filename="page.html", mime_type="text/html")
    assert odd["Content-Type"] == "application/octet-stream"
    assert 'filename="page.bin"' in odd["Content-Disposition"]
    assert odd["X-Content-Type-Options"] == "nosniff"
