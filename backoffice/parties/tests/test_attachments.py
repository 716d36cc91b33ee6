import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backoffice.core.models import Attachment
from backoffice.parties.tests.conftest import PDF


@pytest.fixture
def customer(make_customer, rep_wang):
    return make_customer(rep_wang)


@pytest.mark.django_db
def test_attach_and_download_only_where_the_customer_is_visible(
    client, customer, rep_wang, rep_li, clerk
):
    client.force_login(rep_wang)
    upload = SimpleUploadedFile("../../合同扫描件.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/parties/customer/{customer.pk}/attach/", {"file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "合同扫描件.pdf"
    assert ".." not in attachment.file.name and attachment.file.name.endswith(".pdf")
    page = client.get(f"/parties/customer/{customer.pk}/change/").content.decode()
    assert "合同扫描件.pdf" in page

    download = client.get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    client.force_login(clerk)
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 200
    client.force_login(rep_li)
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 302  # to the login page


@pytest.mark.django_db
def test_executables_and_disguised_files_are_refused(client, customer, rep_wang):
    client.force_login(rep_wang)
    for name, content in [
        ("tool.exe", b"MZ\x90\x00"),
        ("report.xlsx", b"MZ\x90\x00"),
        ("a.zip", b"PK\x03\x04"),
    ]:
        client.post(
            f"/parties/customer/{customer.pk}/attach/", {"file": SimpleUploadedFile(name, content)}
        )
    assert not Attachment.objects.exists()
    ok = SimpleUploadedFile("客户名单.xlsx", b"PK\x03\x04" + b"\x00" * 30)
    client.post(f"/parties/customer/{customer.pk}/attach/", {"file": ok})
    assert Attachment.objects.get().mime_type.endswith("spreadsheetml.sheet")


@pytest.mark.django_db
def test_another_reps_customer_cannot_receive_attachments(client, customer, rep_li):
    client.force_login(rep_li)
    response = client.post(
        f"/parties/customer/{customer.pk}/attach/", {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()
