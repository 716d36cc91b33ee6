"""The company's own particulars: one row kept by administrators, audited, with a logo and a
seal that must be real images, shown as the letterhead of every print."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from backoffice.audit.models import AuditEvent
from backoffice.core.company import company_settings
from backoffice.core.models import CompanySettings

URL = "/core/companysettings/"


def png(colour: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), colour).save(buffer, format="PNG")
    return SimpleUploadedFile("seal.png", buffer.getvalue(), content_type="image/png")


def _form(**files) -> dict:
    return {
        "legal_name": "北京康泰医药有限公司",
        "address": "北京市朝阳区酒仙桥路10号",
        "phone": "010-84561234",
        "tax_id": "91110105MA01ABCD2X",
        "bank_name": "中国工商银行北京酒仙桥支行",
        "bank_account": "0200003509200123456",
        **files,
    }


@pytest.mark.django_db
def test_an_administrator_fills_in_the_one_row_once_and_it_is_audited(client, admin_user):
    client.force_login(admin_user)
    response = client.post(f"{URL}add/", _form(logo=png("green"), seal=png()))
    assert response.status_code == 302, response.content.decode()[:2000]
    company = company_settings()
    assert company.pk == CompanySettings.SINGLETON_ID and company.logo and company.seal
    assert AuditEvent.objects.filter(model="core.companysettings", action="create").exists()
    assert f"/core/companysettings/{company.pk}/change/" in client.get(URL).content.decode()
    assert client.get(f"{URL}add/")["Location"].endswith(f"/{company.pk}/change/")  # one row
    client.post(f"{URL}{company.pk}/change/", _form(phone="010-00000000"))
    assert company_settings().phone == "010-00000000"
    assert AuditEvent.objects.filter(model="core.companysettings", action="update").exists()


@pytest.mark.django_db
def test_a_logo_that_is_not_an_image_is_refused(client, admin_user):
    client.force_login(admin_user)
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(f"{URL}add/", _form(logo=fake))
    assert response.status_code == 200 and not CompanySettings.objects.exists()
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    response = client.post(f"{URL}add/", _form(seal=SimpleUploadedFile("seal.gif", gif.getvalue())))
    assert response.status_code == 200 and not CompanySettings.objects.exists()


@pytest.mark.django_db
def test_only_administrators_keep_the_company_settings(client, clerk, admin_user):
    client.force_login(clerk)
    assert client.get(f"{URL}add/").status_code == 403
    assert client.get(URL).status_code == 403
    admin_page = client.get("/")
    assert "/core/companysettings/" not in admin_page.content.decode()
    client.force_login(admin_user)
    assert "/core/companysettings/" in client.get("/").content.decode()


@pytest.mark.django_db
def test_every_print_carries_the_letterhead_and_the_seal_only_where_asked(admin_user):
    company = CompanySettings(pk=1, **_form())
    company.logo.save("logo.png", png("green"), save=False)
    company.seal.save("seal.png", png(), save=False)
    company.save()
    plain = Template('{% extends "core/print_base.html" %}{% block body %}x{% endblock %}')
    html = plain.render(Context({}))
    assert "北京康泰医药有限公司" in html and "91110105MA01ABCD2X" in html
    assert "中国工商银行北京酒仙桥支行 0200003509200123456" in html
    assert 'class="letterhead-logo" src="data:image/png;base64,' in html
    assert 'data-testid="seal"' not in html
    sealed = Template(
        '{% extends "core/print_base.html" %}{% load letterhead %}'
        "{% block body %}x{% endblock %}{% block seal %}{% company_seal %}{% endblock %}"
    )
    assert 'data-testid="seal"' in sealed.render(Context({}))


@pytest.mark.django_db
def test_without_settings_a_print_has_no_letterhead():
    html = Template('{% extends "core/print_base.html" %}{% block body %}x{% endblock %}').render(
        Context({})
    )
    assert 'data-testid="letterhead"' not in html
