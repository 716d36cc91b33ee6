"""core.decimals: the fast paths give exactly what the library code they replace gave."""

import decimal
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.backends.sqlite3.operations import DatabaseOperations
from rest_framework import serializers

from backoffice.core.decimals import _drf_quantize, _sqlite_decimal

ROOT = Path(__file__).resolve().parents[3]
VALUES = ["0", "-0", "1", "0.005", "-0.005", "0.015", "123.455", "99999999.995", "1E+3", "-7.1"]


def _drf_original(field, value):  # rest_framework.fields.DecimalField.quantize, as released
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    return value.quantize(
        decimal.Decimal(".1") ** field.decimal_places, rounding=field.rounding, context=context
    )


@pytest.mark.parametrize("places", [0, 2, 3, 6])
@pytest.mark.parametrize("rounding", [None, decimal.ROUND_HALF_UP, decimal.ROUND_DOWN])
def test_drf_output_is_unchanged(places, rounding):
    field = serializers.DecimalField(max_digits=18, decimal_places=places, rounding=rounding)
    assert serializers.DecimalField.quantize is _drf_quantize  # installed at start-up
    for text in VALUES:
        value = Decimal(text)
        ours, theirs = _drf_quantize(field, value), _drf_original(field, value)
        assert (str(ours), ours.as_tuple()) == (str(theirs), theirs.as_tuple()), text
        assert field.to_representation(value) == f"{theirs:f}"


def test_drf_output_beyond_the_digits_still_raises():
    field = serializers.DecimalField(max_digits=4, decimal_places=2)
    with pytest.raises(decimal.InvalidOperation):
        _drf_quantize(field, Decimal("12345.6"))


def test_sqlite_reads_are_unchanged():
    assert DatabaseOperations._create_decimal is _sqlite_decimal  # installed at start-up
    for value in [0.1, 0.3, 1234567.891, -0.005, 1e-7, 123456789012.345, 7, "1.10"]:
        theirs = (
            Decimal(value)
            if isinstance(value, (int, str))
            else decimal.Context(prec=15).create_decimal_from_float(value)
        )
        ours = _sqlite_decimal(value)
        assert (str(ours), ours.as_tuple()) == (str(theirs), theirs.as_tuple()), value


def test_start_up_without_sqlite_loaded_first():
    """On PostgreSQL nothing loads SQLite's backend before CoreConfig.ready(): importing its
    `operations` module first was a circular import, and the app did not start."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",  # never connected to
    }
    code = "import django; django.setup(); print('started')"
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert result.stdout.strip() == "started", result.stderr[-2000:]
