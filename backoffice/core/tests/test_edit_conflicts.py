"""A change form refuses to save over a newer version (issue 15 §13): the input is kept and
the message says what changed, by whom and when, from the audit trail."""

import re

import pytest
from django.test import Client
from django.utils import translation

from backoffice.core.services import model_save

pytestmark = pytest.mark.django_db


def _marker(page) -> str:
    match = re.search(r'name="_loaded_version" value="([^"]+)"', page.content.decode())
    assert match, "the change form carries no version"
    return match.group(1)


@pytest.fixture
def admin_client(admin_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    return client


def _url(region):
    return f"/accounts/region/{region.pk}/change/"


def _post(client, region, marker, name):
    return client.post(
        _url(region),
        {"code": region.code, "name": name, "is_active": "on", "_loaded_version": marker},
    )


def test_a_save_over_a_newer_version_is_refused_with_what_changed(
    admin_client, region_north, clerk
):
    marker = _marker(admin_client.get(_url(region_north)))
    region_north.name = "华北一区"  # someone else saves meanwhile
    model_save(instance=region_north, by=clerk)

    answer = _post(admin_client, region_north, marker, "北方区")
    assert answer.status_code == 200  # the form again, not a redirect
    text = answer.content.decode()
    assert "Someone else saved this record after you opened it." in text
    assert "name: you entered “北方区”; it is now “华北一区”, changed by 陈静 at" in text
    assert 'value="北方区"' in text  # the input is kept
    region_north.refresh_from_db()
    assert region_north.name == "华北一区"

    # saving again, having read it, keeps the user's value on purpose
    again = _post(admin_client, region_north, _marker(answer), "北方区")
    assert again.status_code == 302
    region_north.refresh_from_db()
    assert region_north.name == "北方区"


def test_a_save_over_the_version_shown_goes_through(admin_client, region_north):
    marker = _marker(admin_client.get(_url(region_north)))
    assert _post(admin_client, region_north, marker, "北方区").status_code == 302
    # the same stale page submitted twice: the second is over a newer version
    assert _post(admin_client, region_north, marker, "北区").status_code == 200


def test_the_message_in_chinese(admin_user, region_north, clerk):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(admin_user)
    marker = _marker(client.get(_url(region_north)))
    region_north.name = "华北一区"
    model_save(instance=region_north, by=clerk)
    with translation.override("zh-hans"):
        text = _post(client, region_north, marker, "北方区").content.decode()
    assert "他人在您打开此记录后保存了它" in text
    assert "名称：您输入的是“北方区”，现在是“华北一区”，由 陈静 于" in text
