"""Issue 15 §23: every page carries a Content-Security-Policy that allows our own assets only;
the browser tests (tests/browser/conftest.py) fail on any violation it reports."""

import re

import pytest


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_pages_allow_only_our_own_scripts(client, admin_user):
    client.force_login(admin_user)
    for url in ["/login/", "/", "/accounts/user/"]:
        response = client.get(url)
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        scripts = policy["script-src"]
        assert "'unsafe-inline'" not in scripts
        assert [s for s in scripts if not s.startswith("'")] == []  # no other host
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'self'"]


def test_our_inline_scripts_carry_the_requests_nonce():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "backoffice" / "templates"
    for template in templates.rglob("*.html"):
        for attributes in re.findall(r"<script([^>]*)>", template.read_text()):
            assert "src=" in attributes or 'nonce="{{ csp_nonce }}"' in attributes, template


@pytest.mark.django_db
def test_the_api_docs_page_has_no_inline_script(client):
    """Swagger UI's start-up script is served as a file (the split view), not inline."""
    page = client.get("/api/docs/").content.decode()
    assert re.findall(r"<script([^>]*)>", page)
    for attributes in re.findall(r"<script([^>]*)>", page):
        assert "src=" in attributes
