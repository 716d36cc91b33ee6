"""A refusal or a missing page in the staff UI is a page of the staff UI, in the user's
language, with the way back (the Chinese UI walk); the API keeps its JSON."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_a_page_the_user_may_not_open_is_a_translated_page_with_the_way_home(client, outsider):
    client.force_login(outsider)
    response = client.get("/parties/customerimport/", **ZH)
    html = response.content.decode()
    assert response.status_code == 403
    assert "403 Forbidden" not in html and 'data-testid="error-page"' in html
    assert "您无权打开此页面" in html
    assert f'href="{reverse("admin:index")}"' in html


def test_a_forged_post_says_why_it_was_refused(client, hospital, rep_wang):
    client.force_login(rep_wang)
    url = reverse("admin:parties_customer_change", args=[hospital.pk])
    response = client.post(url, {"name": hospital.name, "credit_limit": "1"}, **ZH)
    html = response.content.decode()
    assert response.status_code == 403 and 'data-testid="error-page"' in html
    assert "信用额度" in html  # the field named, in Chinese


def test_a_missing_page_is_a_translated_page_and_the_api_keeps_json(client, api, clerk):
    client.force_login(clerk)
    response = client.get("/no-such-page/", **ZH)
    html = response.content.decode()
    assert response.status_code == 404 and 'data-testid="error-page"' in html
    assert "页面不存在" in html
    api.force_authenticate(clerk)
    answer = api.get("/api/v1/no-such-thing/")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


def test_a_missing_page_for_someone_not_logged_in_is_no_error(client):
    response = client.get("/no-such-page/", **ZH)
    assert response.status_code in (302, 404)
    assert response.status_code == 302 or "页面不存在" in response.content.decode()
