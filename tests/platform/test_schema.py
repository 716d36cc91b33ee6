import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from rest_framework import serializers

from backoffice.core.money import DIGITS, max_value
from backoffice.core.schema import decimal_pattern

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


def _operations():
    schema = yaml.safe_load(SCHEMA.read_text())
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield schema, path, method, operation


def test_changes_document_the_if_match_answers():
    """Every PATCH/PUT takes If-Match (core.versions): 412 and 428 are among its answers."""
    for _schema, path, method, operation in _operations():
        if method in ("patch", "put"):
            assert {"412", "428"} <= set(operation["responses"]), (method, path)


def test_query_parameters_may_be_empty_and_lists_document_their_pages():
    for _schema, path, _method, operation in _operations():
        query = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        assert all(p.get("allowEmptyValue") for p in query.values()), path
        if "limit" in query:
            assert query["limit"]["schema"]["minimum"] == 1, path
            assert query["offset"]["schema"]["minimum"] == 0, path


def _decimal_patterns(node):
    if isinstance(node, dict):
        if node.get("format") == "decimal":
            yield node["pattern"]
        for value in node.values():
            yield from _decimal_patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _decimal_patterns(value)


def test_decimal_patterns_take_ascii_digits_within_the_column():
    """A decimal's pattern is what core.inputs and core.money.DIGITS accept: ASCII digits
    (never \\d, which is every script's digits), at least one, no more than the column holds."""
    patterns = set(_decimal_patterns(yaml.safe_load(SCHEMA.read_text())))
    assert patterns
    for pattern in patterns:
        assert "\\d" not in pattern, pattern
        regex = re.compile(pattern)
        for text in ("", "-", ".", "1.", "１", "٣", "1e2", "NaN"):
            assert not regex.search(text), (pattern, text)
    digits, places = DIGITS["amount"]
    amount = f"^-?(?:[0-9]{{1,{digits - places}}}(?:\\.[0-9]{{1,{places}}})?)$"
    assert amount in patterns
    assert re.search(amount, str(max_value("amount")))
    assert not re.search(amount, str(max_value("amount") + Decimal("0.01")))


@pytest.mark.parametrize(
    ("field", "accepted", "refused"),
    [
        (
            serializers.DecimalField(max_digits=16, decimal_places=3, min_value=Decimal("0.001")),
            ["0.001", "12", "1.5"],
            ["0", "0.000", "-1", "1.2345"],
        ),
        (
            serializers.DecimalField(
                max_digits=6, decimal_places=4, min_value=Decimal(0), max_value=Decimal("0.9999")
            ),
            ["0", "0.13", "0.9999"],
            ["1", "1.5", "-0.1", "0.12345"],
        ),
        (
            serializers.DecimalField(max_digits=16, decimal_places=2),
            ["-3", "12.50"],
            ["12.505", "+1", " 1"],
        ),
    ],
)
def test_a_decimal_pattern_follows_the_fields_bounds(field, accepted, refused):
    pattern = re.compile(decimal_pattern(field))
    assert all(pattern.search(text) for text in accepted)
    assert not any(pattern.search(text) for text in refused)
