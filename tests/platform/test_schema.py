from pathlib import Path

import pytest
from django.core.management import call_command

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


@pytest.mark.django_db
def test_committed_openapi_schema_is_current(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command(
        "spectacular",
        "--urlconf",
        "config.urls",
        "--file",
        str(fresh),
        "--validate",
        "--fail-on-warn",
    )
    assert SCHEMA.read_text() == fresh.read_text(), "API changed: run `make schema` and commit"


@pytest.mark.django_db
def test_schema_and_offline_docs_are_served(client, clerk):
    client.force_login(clerk)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in body
    assert "cdn." not in body and "unpkg" not in body
