"""What the benches that go through HTTP share: the app served by gunicorn as in production
(`DEBUG=false`, collected static files), a session for a user of the staff UI, and a
keep-alive client that times each request from send to the last byte of the answer.

Used by `bench.load` (mixed traffic), `bench.reports` (the reports at a million lines) and
`bench.order_api` (an order created, submitted and audited).
"""

import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The served app's environment: production settings on `database_url`, its files
    (uploads, collected static files, a SQLite database if any) under `var_dir`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "BACKOFFICE_VAR_DIR": str(var_dir),
        "DEBUG": "false",
        "SECURE_SSL": "false",
        "SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # the bench customers' papers are not the point here: warn instead of refusing the trade
        "QUALIFICATION_BLOCK_MODE": "warn",
    }


def django_setup(env: dict[str, str]) -> None:
    """Set this process up as the served app is (`server_env`), to prepare its data."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def collect_static(var_dir: Path) -> None:
    """The static files the pages link to (compressed, with a manifest), once per `var_dir`."""
    from django.core.management import call_command

    if not (var_dir / "static" / "staticfiles.json").exists():  # compressing takes a while
        call_command("collectstatic", interactive=False, verbosity=0)


def session_key(user) -> str:
    """A logged-in staff UI session for `user`, as the login form would leave it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that logs in
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def serve(env: dict[str, str], port: int, *, workers: str = "4", threads: str = "4"):
    """gunicorn serving the app with `env` on 127.0.0.1:`port`, once it answers."""
    server = subprocess.Popen(  # noqa: S603 - our own program and arguments
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--threads",
            threads,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/admin/login/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit("gunicorn did not answer")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


class Client:
    """One keep-alive connection (with gunicorn's threaded workers it stays on one worker).
    `get` answers (status, body, seconds from send to the last byte; status 0 when the
    connection failed)."""

    def __init__(self, port: int, *, token: str = "", session: str = "") -> None:
        self.port, self.token, self.session = port, token, session
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def get(self, path: str, *, page: bool = False, retry: bool = True) -> tuple[int, bytes, float]:
        if page:  # a staff UI page, with the session cookie
            headers = {"Accept": "text/html", "Cookie": f"sessionid={self.session}"}
        else:
            headers = {"Accept": "application/json", "Authorization": f"Token {self.token}"}
        return self._send("GET", path, headers, None, retry=retry)

    def post(self, path: str, body: Any) -> tuple[int, bytes, float]:
        """An API POST of `body` as JSON, with the token; answers as `get` does."""
        headers = {
            "Accept": "application/json",
            "Authorization": f"Token {self.token}",
            "Content-Type": "application/json",
        }
        return self._send("POST", path, headers, json.dumps(body).encode(), retry=True)

    def upload(
        self, path: str, fields: dict[str, str], *, name: str, filename: str, content: bytes
    ) -> tuple[int, bytes, float]:
        """A multipart POST (a browser's upload): `fields`, and `content` as the file field
        `name`; answers as `get` does."""
        boundary = "benchboundary7d93"
        parts = [
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            ).encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        headers = {
            "Accept": "application/json",
            "Authorization": f"Token {self.token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        return self._send("POST", path, headers, b"".join(parts), retry=True)

    def _send(
        self, method: str, path: str, headers: dict, payload: bytes | None, *, retry: bool
    ) -> tuple[int, bytes, float]:
        for attempt in range(2):
            start = time.perf_counter()
            try:
                self.connection.request(method, path, body=payload, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                status = response.status
                break
            except (OSError, http.client.HTTPException):
                # gunicorn closes a connection idle for more than 2 s (`--keep-alive`): the
                # first attempt on it fails at once, the second opens a new one, as a browser
                self.connection.close()
                body, status = b"", 0
                if not retry or attempt:
                    break
        return status, body, time.perf_counter() - start

    def close(self) -> None:
        self.connection.close()
