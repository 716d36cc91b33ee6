"""Two app servers (gunicorn, as in production) on two ports against one database (issue 19
§4), on both databases: a login on one is a session on the other; a file uploaded for a
preview on one is imported when the other takes the confirmation; failed logins counted on
both lock the username on both. What they share: the database (sessions, lockouts), the cache
and the uploads (Django's storage; here the var folder both are given)."""

import http.client
import re
import secrets
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from backoffice.core.tests.processes import ROOT, app_env
from backoffice.parties.models import Customer
from backoffice.parties.tests.test_import import GOOD, xlsx
from conftest import PASSWORD

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clerk(clerk):
    """The clerk, with a password the servers' hashers read (the suite hashes with MD5)."""
    clerk.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    clerk.save(update_fields=["password"])
    return clerk


@pytest.fixture
def servers(tmp_path, free_tcp_port_factory):
    env = app_env(
        tmp_path / "var",
        DEBUG="true",  # static files from the finders: no collected manifest needed here
        SECRET_KEY=secrets.token_hex(32),  # one key: each signs what the other reads
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL="false",
        QUALIFICATION_BLOCK_MODE="warn",
    )
    ports = [free_tcp_port_factory() for _ in range(2)]
    processes = [
        subprocess.Popen(  # noqa: S603 - our gunicorn, our app
            [
                str(Path(ROOT / ".venv" / "bin" / "gunicorn")),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait(port, process)
        yield [Browser(port) for port in ports]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def _wait(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode()[-3000:])
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the server on {port} did not answer")


class Browser:
    """One server, as a browser sees it; the cookies are the test's, shared by both."""

    cookies: dict[str, str] = {}

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        cookie = "; ".join(f"{k}={v}" for k, v in Browser.cookies.items())
        connection.request(method, path, body=body, headers={"Cookie": cookie, **headers})
        response = connection.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            Browser.cookies[name] = value
        connection.close()
        return response.status, response.getheader("Location", ""), content

    def csrf(self, path: str) -> str:
        status, location, page = self.request("GET", path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, f"{path}: {status} {location} {page[:2000]}"
        return found.group(1)

    def post_form(self, path: str, fields: dict[str, str], *, page: str = ""):
        """A form of the page at `page` (else at `path`) posted to `path`."""
        token = self.csrf(page or path)
        return self.request(
            "POST",
            path,
            urlencode({"csrfmiddlewaretoken": token, **fields}).encode(),
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )

    def upload(self, path: str, name: str, filename: str, content: bytes):
        token = self.csrf(path)
        boundary = "twoservers"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
                f"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f'name="{name}"; filename="{filename}"\r\nContent-Type: application/octet-stream'
                "\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(
            "POST", path, body, **{"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


def test_a_session_opened_on_one_server_is_one_on_the_other(servers, clerk):
    first, second = servers
    Browser.cookies = {}
    status, location, _page = first.post_form(
        "/login/", {"username": "clerk", "password": PASSWORD, "next": "/"}
    )
    assert status == 302 and location == "/"
    status, _location, page = second.request("GET", "/")
    assert status == 200 and "陈静" in page  # the dashboard, for the one who logged in
    status, location, _page = second.post_form("/logout/", {}, page="/")
    assert status in (200, 302)
    status, location, _page = first.request("GET", "/")
    assert status == 302 and "/login/" in location  # logged out on both


def test_an_upload_previewed_on_one_server_is_imported_by_the_other(
    servers, clerk, rep_wang, region_north
):
    first, second = servers
    Browser.cookies = {}
    first.post_form("/login/", {"username": "clerk", "password": PASSWORD, "next": "/"})
    status, _location, page = first.upload(
        "/parties/customer/import/", "file", "customers.xlsx", xlsx(GOOD)
    )
    assert status == 200 and 'data-testid="import-preview"' in page
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    status, _location, page = second.post_form("/parties/customer/import/", {"token": token})
    assert status == 200 and 'data-testid="import-done"' in page
    assert Customer.objects.count() == 2


def test_failed_logins_on_both_servers_lock_the_username_on_both(servers, clerk):
    first, second = servers
    Browser.cookies = {}
    for attempt in range(5):  # LOGIN_FAILURE_LIMIT, spread over the two servers
        server = (first, second)[attempt % 2]
        status, _location, _page = server.post_form(
            "/login/", {"username": "clerk", "password": "wrong", "next": "/"}
        )
        assert status == (429 if attempt == 4 else 200)  # the fifth locks
    for server in servers:  # even the right password, now
        status, _location, _page = server.post_form(
            "/login/", {"username": "clerk", "password": PASSWORD, "next": "/"}
        )
        assert status == 429
