"""Password guessing (issue 15 §4): one lockout on the API token login and the staff UI login,
per username and per client address, with the address taken from trusted proxies only."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.utils import translation

from conftest import PASSWORD

TOKEN = "/api/v1/auth/token/"


def api_login(api, username, password, **headers):
    return api.post(TOKEN, {"username": username, "password": password}, format="json", **headers)


def admin_login(client, username, password, **headers):
    return client.post("/login/", {"username": username, "password": password}, **headers)


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    return settings


@pytest.mark.django_db
def test_a_new_x_forwarded_for_on_each_attempt_is_still_locked_out(api, clerk, limits):
    for n in range(3):
        api_login(api, "clerk", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.{n}.1")
    response = api_login(api, "clerk", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.99.1")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) == 15 * 60
    # without proxies the header is the client's own words: every attempt came from one address
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@pytest.mark.django_db
def test_spraying_usernames_from_one_address_locks_the_address(api, clerk, rep_wang, limits):
    for n in range(6):
        api_login(api, f"nobody{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.{n}.1")
    assert api_login(api, "rep_wang", PASSWORD).status_code == 429
    # the same guesses from elsewhere did not lock rep_wang himself
    other = api_login(api, "rep_wang", PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 200


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_address_it_saw_counts(api, clerk, rep_wang, limits):
    limits.TRUSTED_PROXIES = 1
    limits.REST_FRAMEWORK = {**limits.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for n in range(6):
        # a forged entry on the left, the proxy's on the right
        api_login(api, f"nobody{n}", "x", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    locked = api_login(api, "rep_wang", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429
    elsewhere = api_login(api, "rep_wang", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert elsewhere.status_code == 200


@pytest.mark.parametrize("proxies", [0, 1, 2])
@pytest.mark.parametrize(
    "forwarded", [None, "1.2.3.4", "6.6.6.6, 1.2.3.4", "9.9.9.9,6.6.6.6, 1.2.3.4"]
)
def test_the_api_throttles_and_the_lockout_agree_on_the_client(settings, rf, proxies, forwarded):
    from rest_framework.throttling import BaseThrottle

    from backoffice.accounts.logins import client_address

    settings.TRUSTED_PROXIES = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", **headers)
    assert client_address(request) == BaseThrottle().get_ident(request)
    if proxies == 0:
        assert client_address(request) == "10.0.0.1"


def test_the_shipped_settings_trust_no_forwarded_header():
    from django.conf import settings

    assert settings.TRUSTED_PROXIES == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


@pytest.mark.django_db
def test_the_right_password_from_a_colleague_on_the_same_address_works(
    api, clerk, rep_wang, limits
):
    # a whole office logs in all morning from one address
    for _ in range(30):
        assert api_login(api, "rep_wang", PASSWORD).status_code == 200
    # one colleague mistypes until locked out
    for _ in range(3):
        api_login(api, "clerk", "wrong")
    assert api_login(api, "clerk", PASSWORD).status_code == 429
    # the others at that address are not
    assert api_login(api, "rep_wang", PASSWORD).status_code == 200
    assert admin_login(Client(), "rep_wang", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_username_is_counted_whatever_its_case(api, clerk, limits):
    for name in ["Clerk", "CLERK", " clerk"]:
        api_login(api, name, "wrong")
    assert api_login(api, "clerk", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_staff_ui_login_locks_out_too_and_says_so_in_chinese(client, clerk, limits):
    for n in range(3):
        response = admin_login(client, "clerk", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.{n}.1")
    with translation.override("zh-hans"):
        response = admin_login(client, "clerk", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "登录失败次数过多" in page
    assert 'name="password"' in page  # still the login page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_token_login_and_the_staff_ui_share_one_count(api, client, clerk, limits):
    api_login(api, "clerk", "wrong")
    admin_login(client, "clerk", "wrong")
    api_login(api, "clerk", "wrong")
    assert admin_login(client, "clerk", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_failed_logins_are_recorded_and_shown_to_admins(api, client, clerk, admin_user):
    api_login(api, "clerk", "wrong", HTTP_USER_AGENT="guesser/1.0")
    admin_login(Client(), "clerk", "wrong-again")
    failures = AccessFailureLog.objects.filter(username="clerk")
    assert failures.count() == 2
    assert {f.path_info for f in failures} == {TOKEN, "/login/"}
    assert "wrong" not in str(list(AccessAttempt.objects.values_list("post_data", flat=True)))
    client.force_login(admin_user)
    with translation.override("zh-hans"):
        page = client.get("/axes/accessfailurelog/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    text = page.content.decode()
    assert "登录失败记录" in text
    assert "guesser/1.0" in text


@pytest.mark.django_db
def test_a_rep_does_not_see_failed_logins(client, rep_wang):
    client.force_login(rep_wang)
    assert client.get("/axes/accessfailurelog/").status_code == 403


@pytest.mark.django_db
def test_an_admin_unlocks_a_username(api, client, clerk, admin_user, limits):
    for _ in range(3):
        api_login(api, "clerk", "wrong")
    assert api_login(api, "clerk", PASSWORD).status_code == 429
    client.force_login(admin_user)
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = client.post(
        "/axes/accessattempt/",
        {"action": "unlock", "_selected_action": ids},
    )
    assert response.status_code == 302
    assert api_login(api, "clerk", PASSWORD).status_code == 200


@pytest.mark.django_db
def test_a_reactivated_user_gets_no_old_token_or_session_back(api, clerk, admin_user):
    token = api_login(api, "clerk", PASSWORD).json()["token"]
    browser = Client()
    assert admin_login(browser, "clerk", PASSWORD).status_code == 302
    assert browser.get("/").status_code == 200
    # an administrator deactivates the account in the staff UI, later reactivates it
    staff = Client()
    staff.force_login(admin_user)
    for active in [False, True]:
        clerk.refresh_from_db()
        clerk.is_active = active
        staff.post(f"/accounts/user/{clerk.pk}/change/", _user_form(clerk))
        clerk.refresh_from_db()
        assert clerk.is_active is active
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/accounts/users/me/").status_code == 401
    assert browser.get("/").status_code == 302  # to the login page
    assert browser.get("/").url.startswith("/login/")
    # the password still works: a new token, not the old one
    api.credentials()
    assert api_login(api, "clerk", PASSWORD).json()["token"] != token


@pytest.mark.django_db
def test_the_deactivation_service_ends_tokens_and_sessions(api, clerk, admin_user):
    from backoffice.accounts.services import user_deactivate

    token = api_login(api, "clerk", PASSWORD).json()["token"]
    browser = Client()
    admin_login(browser, "clerk", PASSWORD)
    user_deactivate(user=clerk, by=admin_user)
    clerk.is_active = True
    clerk.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/accounts/users/me/").status_code == 401
    assert browser.get("/").status_code == 302


def _user_form(user):
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "language": user.language,
        "groups": [g.pk for g in user.groups.all()],
        "regions": [r.pk for r in user.regions.all()],
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
