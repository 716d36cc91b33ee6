"""Hostile input is a 400 (or a 404, a 503), never a server error (issue 15 §5-§7, §9, §10,
§14).

Each class is tried over every place it can reach, enumerated rather than listed: every query
parameter docs/openapi.yaml documents for every GET, every filter of every admin list, every
write operation of the API. The review is repeated with cases it has not seen.
"""

import json
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib import admin
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backoffice.accounts.models import User
from tests.platform.test_bad_parameters import ROOT, _admin_changelist_parameters, _api_operations

NUL = "a\x00b"


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", "root@example.com", "pw-not-used")


@pytest.fixture
def superuser_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


# --- §5 NUL characters -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_nul_in_any_query_parameter_of_the_api_is_a_400_naming_it(admin_user):
    api = APIClient()
    api.force_authenticate(admin_user)
    operations = _api_operations()
    tried, failures = 0, []
    for path, query in operations:
        for name in [*query, "limit", "offset"]:
            response = api.get(_concrete(path), {name: NUL})
            tried += 1
            body = response.json() if response["Content-Type"].startswith("application/") else {}
            if response.status_code != 400 or name not in body.get("extra", {}).get("fields", {}):
                failures.append(f"{path}?{name}=%00 → {response.status_code}")
    assert tried > 100 and failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_a_nul_in_any_filter_of_any_admin_list_is_a_400_page(superuser_client, superuser):
    failures, tried = [], 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        path = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        names = _admin_changelist_parameters(model_admin, superuser) | {"status__exact"}
        for name in sorted(names):
            response = superuser_client.get(path, {name: NUL})
            tried += 1
            if response.status_code != 400 or b"application-error" not in response.content:
                failures.append(f"{path}?{name}=%00 → {response.status_code}")
    assert tried > 50 and failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_a_nul_in_a_form_field_a_file_name_or_a_json_body_is_a_400(admin_user, hospital):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = APIClient()
    api.force_authenticate(admin_user)
    path = f"/api/v1/parties/customers/{hospital.pk}/qualifications/"
    multipart = api.post(path, {"number": NUL, "valid_from": "2026-01-01"}, format="multipart")
    assert multipart.status_code == 400
    assert multipart.json()["extra"]["fields"] == {"number": [mock.ANY]}
    scan = SimpleUploadedFile("scan\x00.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert api.post(path, {"scan": scan}, format="multipart").status_code == 400
    as_json = api.post(
        "/api/v1/parties/customers/", '{"name": "a\\u0000b"}', content_type="application/json"
    )
    assert as_json.status_code == 400 and as_json.json()["code"] == "invalid"
    # "\\u0000" is a backslash and the text u0000: no NUL, the view decides
    text = api.post(
        "/api/v1/parties/customers/", '{"name": "a\\\\u0000b"}', content_type="application/json"
    )
    assert text.status_code != 400 or "name" not in text.json()["extra"].get("fields", {})
    form = Client()
    form.force_login(admin_user)
    page = form.post(reverse("admin:parties_customer_add"), {"name": NUL})
    assert page.status_code == 400 and b"application-error" in page.content


# --- §6 deeply nested JSON ---------------------------------------------------------------------

DEEP = "[" * 10_000 + "]" * 10_000


def _write_operations() -> list[tuple[str, str]]:
    import yaml

    schema = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    return [
        (method, path)
        for path, methods in schema["paths"].items()
        for method in ("post", "put", "patch")
        if method in methods
    ]


@pytest.mark.django_db
def test_json_nested_10000_deep_is_a_400_on_every_write_endpoint(admin_user):
    anonymous = APIClient()
    login = anonymous.post("/api/v1/auth/token/", DEEP, content_type="application/json")
    assert login.status_code == 400 and "nested" in login.json()["message"]
    api = APIClient()
    api.force_authenticate(admin_user)
    failures = []
    for method, path in _write_operations():
        body = '{"a": ' * 5_000 + "1" + "}" * 5_000
        response = getattr(api, method)(_concrete(path), body, content_type="application/json")
        if response.status_code >= 500 or response.status_code == 200:
            failures.append(f"{method.upper()} {path} → {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_the_depth_is_counted_without_parsing_and_ignores_brackets_in_strings():
    from backoffice.core.inputs import json_depth

    assert json_depth(b'{"a": [1, {"b": "[[[[[[{{{{"}]}') == 3
    assert json_depth(b'"\\"[[["') == 0
    assert json_depth(DEEP.encode()) == 10_000


@pytest.mark.django_db
def test_json_at_the_depth_limit_is_still_read(admin_user, settings):
    settings.JSON_MAX_DEPTH = 3
    api = APIClient()
    ok = api.post(
        "/api/v1/auth/token/", '{"username": "x", "password": "y"}', content_type="application/json"
    )
    assert ok.status_code in (400, 401) and "nested" not in ok.json()["message"]
    deep = api.post("/api/v1/auth/token/", '{"a": [[[1]]]}', content_type="application/json")
    assert deep.status_code == 400 and "nested" in deep.json()["message"]


# --- §7 numbers beyond their column -------------------------------------------------------------


@pytest.mark.django_db
def test_a_line_whose_amount_overflows_is_a_400_naming_the_field(api, clerk, hospital, products):
    api.force_authenticate(clerk)
    payload = {
        "customer": hospital.pk,
        "lines": [
            {
                "product": products[0].pk,
                "quantity": "999999999999.999",
                "unit_price": "999999999999.999999",
            }
        ],
    }
    response = api.post("/api/v1/sales/orders/", payload, format="json")
    assert response.status_code == 400, response.content
    assert "quantity" in response.json()["extra"]["fields"]["lines"]["1"]
    too_many_digits = {**payload, "lines": [{**payload["lines"][0], "quantity": "9" * 20}]}
    response = api.post("/api/v1/sales/orders/", too_many_digits, format="json")
    assert response.status_code == 400
    assert "quantity" in json.dumps(response.json()["extra"]["fields"])


@pytest.mark.django_db
def test_services_refuse_numbers_beyond_their_columns(clerk, hospital, products):
    from backoffice.core.exceptions import ValidationFailed
    from backoffice.core.money import line_amounts, max_value
    from backoffice.sales.services import order_create

    assert max_value("amount") == Decimal("99999999999999.99")
    assert max_value("price") == Decimal("999999999999.999999")
    with pytest.raises(ValidationFailed) as refused:
        order_create(
            customer=hospital,
            by=clerk,
            lines=[{"product": products[0], "quantity": "999999999999.999", "unit_price": "1e13"}],
        )
    assert "unit_price" in refused.value.extra["fields"]["lines"]["1"]
    with pytest.raises(ValidationFailed) as refused:
        order_create(
            customer=hospital,
            by=clerk,
            lines=[
                {
                    "product": products[0],
                    "quantity": "999999999999.999",
                    "unit_price": "999999999999.999999",
                }
            ],
        )
    assert "quantity" in refused.value.extra["fields"]["lines"]["1"]
    with pytest.raises(ValidationFailed) as refused:
        line_amounts(quantity="99999999999", unit_price="99999999", vat_rate="0.13")
    assert "gross_amount" in refused.value.extra["fields"]


@pytest.mark.django_db
def test_every_decimal_column_and_input_is_bounded_by_the_money_module():
    """Every model's decimal column is built by core.money (its size is one of DIGITS), so
    that the services' bounds (check_bound, core.lines) are the columns' bounds."""
    from django.apps import apps
    from django.db import models

    from backoffice.core.money import DIGITS

    sizes = set(DIGITS.values())
    odd = [
        f"{model._meta.label}.{field.name} ({field.max_digits}, {field.decimal_places})"
        for model in apps.get_models()
        if model.__module__.startswith("backoffice.")
        for field in model._meta.concrete_fields
        if isinstance(field, models.DecimalField)
        and (field.max_digits, field.decimal_places) not in sizes
    ]
    assert odd == []


# --- §9 database outage --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unreachable_database_is_a_503_with_retry_after(admin_user, settings):
    from django.db.backends.base.base import BaseDatabaseWrapper

    settings.DEBUG = False
    token = Token.objects.create(user=admin_user).key
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    page = Client()
    page.force_login(admin_user)
    refused = OperationalError('connection to server at "127.0.0.1", port 1 failed')
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        response = api.get("/api/v1/sales/orders/")
        assert response.status_code == 503
        assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER_SECONDS)
        assert response.json()["code"] == "unavailable"
        html = page.get("/sales/salesorder/")
        assert html.status_code == 503 and html["Retry-After"]
        assert b"<html" in html.content


def test_a_database_failure_outside_a_view_is_a_503_too():
    """A failure outside any view (a session saved after it) reaches the 500 handler, which
    answers 503 as well."""
    from django.test import RequestFactory

    from backoffice.core.api import json_or_html_error

    handler = json_or_html_error(500)
    for path, kind in [("/api/v1/sales/orders/", "application/json"), ("/", "text/html")]:
        try:
            raise OperationalError("could not connect to server")
        except OperationalError:
            answered = handler(RequestFactory().get(path))
        assert answered.status_code == 503 and answered["Retry-After"]
        assert answered["Content-Type"].startswith(kind)
    try:
        raise ValueError("a bug")
    except ValueError:
        assert handler(RequestFactory().get("/api/v1/x/")).status_code == 500


# --- §10 unknown API paths -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_any_method_with_a_token_on_an_unknown_api_path_is_the_json_404(admin_user, method):
    token = Token.objects.create(user=admin_user).key
    api = APIClient(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token}")
    response = getattr(api, method)("/api/v1/no/such/thing/", {"a": 1}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    with_session = Client(enforce_csrf_checks=True)
    with_session.force_login(admin_user)
    response = getattr(with_session, method)("/api/v2/unknown/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


# --- §14 lenient numbers and dates -----------------------------------------------------------

LENIENT_NUMBERS = ["１２", "٣", "1_000", " 1 ", "1e2", "NaN", "Infinity", "-Infinity", "+1e5"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", LENIENT_NUMBERS)
def test_numbers_are_ascii_decimals_only_in_the_api(api, clerk, finance, hospital, products, text):
    api.force_authenticate(clerk)
    line = {"product": products[0].pk, "quantity": "2"}
    for body, field in [
        ({"customer": hospital.pk, "lines": [{**line, "quantity": text}]}, "lines"),
        ({"customer": hospital.pk, "lines": [{**line, "unit_price": text}]}, "lines"),
        ({"customer": text, "lines": [line]}, "customer"),
        ({"customer": hospital.pk, "lines": [{**line, "product": text}]}, "lines"),
    ]:
        response = api.post("/api/v1/sales/orders/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["extra"]["fields"], response.json()
    # an id filter refuses it; an id-or-code filter refuses what looks like an id (digits of
    # another script, spaces around) and finds no record by any other code
    api.force_authenticate(finance)
    listing = api.get("/api/v1/ledger/receipts/", {"customer": text})
    assert listing.status_code == 400 and "customer" in listing.json()["extra"]["fields"]
    by_code = api.get("/api/v1/sales/orders/", {"customer": text})
    if text in ("１２", "٣", " 1 "):
        assert by_code.status_code == 400 and "customer" in by_code.json()["extra"]["fields"]
    else:
        assert (by_code.status_code, by_code.json()["count"]) == (200, 0)


def test_the_number_rules_hold_for_every_django_and_drf_field():
    from django import forms
    from rest_framework import serializers

    from backoffice.core.filters import IdField, IdOrCodeField

    for text in LENIENT_NUMBERS:
        for field in (
            forms.IntegerField(),
            forms.DecimalField(),
            IdField(),
        ):
            with pytest.raises(forms.ValidationError):
                field.clean(text)
        for field in (serializers.IntegerField(), serializers.DecimalField(16, 2)):
            with pytest.raises(serializers.ValidationError):
                field.run_validation(text)
    assert forms.DecimalField().clean("12.50") == Decimal("12.50")
    assert forms.IntegerField().clean("-3") == -3
    assert serializers.IntegerField().run_validation("12") == 12
    assert serializers.IntegerField().run_validation(12) == 12
    with pytest.raises(serializers.ValidationError):
        serializers.IntegerField().run_validation(str(2**64))
    # an id or a code: a code may be anything but NUL, an id is digits
    assert IdOrCodeField().clean("RC-1-000001") == "RC-1-000001"


def test_to_decimal_refuses_other_scripts_digits():
    from backoffice.core.money import to_decimal

    for text in ("１２", "٣", "1_000"):
        with pytest.raises(ValueError):
            to_decimal(text)
    assert to_decimal(" 1,000.50 ") == Decimal("1000.50")  # a spreadsheet's text


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_a_receipt_dated_outside_the_window_is_a_400_naming_the_field(
    api, issued, hospital, finance, day
):
    api.force_authenticate(finance)
    response = api.post(
        "/api/v1/ledger/receipts/",
        {"customer": hospital.pk, "amount": "10.00", "received_on": day, "method": "bank"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["received_on"]


@pytest.mark.django_db
def test_a_document_number_where_a_number_is_given_is_a_400(api, finance, hospital):
    api.force_authenticate(finance)
    response = api.post(
        "/api/v1/ledger/receipts/",
        {"customer": "RC-1-000001", "amount": "10.00", "received_on": "2026-10-20"},
        format="json",
    )
    assert response.status_code == 400 and "customer" in response.json()["extra"]["fields"]
    listing = api.get("/api/v1/ledger/receipts/", {"customer": "RC-1-000001"})
    assert listing.status_code in (400, 200)
    if listing.status_code == 200:  # a code filter: nothing by that code
        assert listing.json()["count"] == 0


def test_the_date_window_runs_from_the_company_start_to_the_end_of_next_year(settings):
    from datetime import date

    from django import forms
    from django.utils import timezone
    from rest_framework import serializers

    from backoffice.core.inputs import date_window

    settings.COMPANY_START_DATE = "2010-03-01"
    first, last = date_window("received_on")
    assert first == date(2010, 3, 1)
    assert last == date(timezone.localdate().year + 1, 12, 31)
    assert date_window("valid_to")[1].year == timezone.localdate().year + 100

    class Form(forms.Form):
        received_on = forms.DateField()
        valid_to = forms.DateField()

    assert not Form({"received_on": "2010-02-28", "valid_to": "2050-01-01"}).is_valid()
    form = Form({"received_on": f"{last.year + 1}-01-01", "valid_to": "2050-01-01"})
    assert list(form.errors) == ["received_on"]
    assert Form({"received_on": "2010-03-01", "valid_to": "2050-01-01"}).is_valid()

    class Input(serializers.Serializer):
        received_on = serializers.DateField()

    assert not Input(data={"received_on": "0001-01-01"}).is_valid()
    assert Input(data={"received_on": "2020-01-01"}).is_valid()


@pytest.mark.django_db
def test_the_staff_ui_refuses_a_receipt_dated_9999(client, finance, hospital):
    from backoffice.ledger.models import Receipt

    client.force_login(finance)
    response = client.post(
        reverse("admin:ledger_receipt_add"),
        {"customer": hospital.pk, "amount": "10.00", "received_on": "9999-12-31", "method": "bank"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "received_on" in response.context["adminform"].form.errors
    assert not Receipt.objects.exists()


def test_the_history_import_refuses_dates_outside_the_window():
    from datetime import date

    from backoffice.sales.history.files import parse_date

    assert parse_date("0001-01-01") is None
    assert parse_date("9999-12-31") is None
    assert parse_date("2020-05-01") == date(2020, 5, 1)


# --- §11 what schemathesis found -----------------------------------------------------------


@pytest.mark.django_db
def test_deleting_a_record_others_refer_to_is_a_409_not_a_500(admin_user, rep_wang, region_north):
    """A DELETE of a region that customers and users belong to raised ProtectedError."""
    from backoffice.parties.services import customer_create

    customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north)
    api = APIClient()
    api.force_authenticate(admin_user)
    response = api.delete(f"/api/v1/accounts/regions/{region_north.pk}/")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "not_deletable"  # core.deletion.StillReferenced
