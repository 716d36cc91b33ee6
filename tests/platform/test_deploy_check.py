import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_with_production_settings_reports_nothing(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_HOST": "smtp.example.com",
        "ALLOWED_HOSTS": "backoffice.example.com",
        "SITE_URL": "https://backoffice.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "BACKOFFICE_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _deploy_check(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "BACKOFFICE_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def _assignments(text: str) -> dict[str, str]:
    words = shlex.split(text.replace("\\\n", " "))
    return dict(w.split("=", 1) for w in words if re.fullmatch(r"[A-Z_]+=.*", w))


def readme_production_settings() -> dict[str, str]:
    """The `export …` of the README's Production section: what we tell people to run."""
    section = (ROOT / "README.md").read_text().split("## Production", 1)[1]
    export = re.search(r"^export (.+?)(?<!\\)$", section, re.MULTILINE | re.DOTALL)
    assert export, "the README's Production section has no export line"
    return _assignments(export.group(1))


def makefile_check_deploy_settings() -> dict[str, str]:
    recipe = (ROOT / "Makefile").read_text().split("\ncheck-deploy:", 1)[1].split("\n\n", 1)[0]
    return _assignments(recipe.split("\n", 1)[1].split("$(MANAGE)")[0])


def test_make_check_deploy_uses_the_readme_production_settings():
    readme = readme_production_settings()
    make = makefile_check_deploy_settings()
    # the secret and the addresses of services are the deployer's; the rest must agree
    own = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    assert {k: v for k, v in readme.items() if k not in own} == {
        k: v for k, v in make.items() if k not in own
    }


def test_the_readme_production_settings_pass_the_deploy_check(tmp_path):
    env = readme_production_settings()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env.pop("REDIS_URL", None)
    result = _deploy_check(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("drop", "finding"),
    [
        ("EMAIL_HOST", "mail.E001"),  # mail would only be printed
        ("TRUSTED_PROXIES", "backoffice.W003"),  # behind a proxy, every client one address
        ("ALLOWED_HOSTS", "backoffice.W002"),  # SITE_URL's host not served
    ],
)
def test_the_deploy_check_refuses_a_production_setting_left_out(tmp_path, drop, finding):
    env = readme_production_settings()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env.pop("REDIS_URL", None)
    env.pop(drop)
    result = _deploy_check(env, tmp_path)
    assert result.returncode != 0
    assert finding in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "BACKOFFICE_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("site_url", "warning"),
    [
        ("", "backoffice.W001"),  # the default, http://127.0.0.1:8000
        ("http://backoffice.example.com", "backoffice.W001"),
        ("https://elsewhere.example.com", "backoffice.W002"),
    ],
)
def test_check_deploy_warns_about_a_site_url_mails_cannot_use(tmp_path, site_url, warning):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_HOST": "smtp.example.com",
        "ALLOWED_HOSTS": "backoffice.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "BACKOFFICE_VAR_DIR": str(tmp_path),
    }
    if site_url:
        env["SITE_URL"] = site_url
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr
