from decimal import Decimal

import pytest

from backoffice.core.money import (
    FloatRefused,
    line_amounts,
    round_amount,
    round_price,
    sum_amounts,
    to_decimal,
)


def test_float_is_refused_everywhere():
    with pytest.raises(FloatRefused):
        to_decimal(0.1)
    with pytest.raises(FloatRefused):
        round_amount(1.005)
    with pytest.raises(FloatRefused):
        line_amounts(quantity=1.5, unit_price="2", vat_rate="0.13")


def test_strings_and_ints_become_decimals():
    assert to_decimal("1,234.50") == Decimal("1234.50")
    assert to_decimal(3) == Decimal(3)
    with pytest.raises(ValueError, match="not a number"):
        to_decimal("12a")
    with pytest.raises(ValueError, match="finite"):
        to_decimal("NaN")
    with pytest.raises(TypeError):
        to_decimal(True)


def test_rounding_is_half_up_not_bankers():
    assert round_amount("2.345") == Decimal("2.35")
    assert round_amount("2.335") == Decimal("2.34")
    assert round_amount("-2.345") == Decimal("-2.35")
    assert round_price("1.0000005") == Decimal("1.000001")


def test_line_amounts_net_plus_tax_is_gross():
    amounts = line_amounts(quantity="3", unit_price="33.33", vat_rate="0.13")
    assert amounts.gross_amount == Decimal("99.99")
    assert amounts.net_amount == Decimal("88.49")
    assert amounts.tax_amount == Decimal("11.50")
    assert amounts.net_amount + amounts.tax_amount == amounts.gross_amount


def test_sum_refuses_unrounded_amounts():
    assert sum_amounts([Decimal("0.10"), "0.20", 1]) == Decimal("1.30")
    with pytest.raises(ValueError, match="round each line"):
        sum_amounts([Decimal("0.105")])


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
        ("100010", "壹拾万零壹拾元整"),
        ("10.05", "壹拾元零伍分"),
        ("1005", "壹仟零伍元整"),
        ("120000000.01", "壹亿贰仟万元零壹分"),
        ("0", "零元整"),
        ("-3.20", "负叁元贰角整"),
    ],
)
def test_amounts_in_chinese_capitals(amount, words):
    from backoffice.core.money import rmb_upper

    assert rmb_upper(amount) == words


@pytest.mark.django_db
def test_the_databases_exact_sum_gives_what_sum_gives():
    """core.money.sql_sum (exact_sum on PostgreSQL, plain numeric addition) against SUM: per
    group, with negatives, mixed scales and a NULL, over many groups and over none."""
    from django.db import connection

    from backoffice.core.money import sql_sum

    numeric = "numeric" if connection.vendor == "postgresql" else "NUMERIC"
    rows = ", ".join(
        f"({group}, CAST('{value}' AS {numeric}))"
        for group, value in [
            (1, "12.34"),
            (1, "-0.005"),
            (1, "100"),
            (2, "0.10"),
            (2, "0.20"),
            (3, "99999999999999.99"),
            (3, "99999999999999.99"),
            (4, "-3.000"),
        ]
    )
    given = f"WITH v (g, x) AS (VALUES {rows}, (5, NULL)) "
    total = sql_sum("x", connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"{given}SELECT g, {total}, SUM(x) FROM v GROUP BY g ORDER BY g")  # noqa: S608
        found = cursor.fetchall()
        cursor.execute(f"{given}SELECT {total} FROM v WHERE g > 5")  # noqa: S608
        none = cursor.fetchone()[0]
    assert [(g, Decimal(str(ours)) if ours is not None else None) for g, ours, _ in found] == [
        (g, Decimal(str(theirs)) if theirs is not None else None) for g, _, theirs in found
    ]
    if connection.vendor == "postgresql":  # exact, to the scale (SQLite's sums are its own)
        assert [ours for _, ours, _ in found] == [
            Decimal("112.335"),
            Decimal("0.30"),
            Decimal("199999999999999.98"),
            Decimal("-3.000"),
            None,
        ]
        assert [str(ours) for _, ours, _ in found[:4]] == [str(t) for _, _, t in found[:4]]
    assert none is None


@pytest.mark.django_db
def test_the_exact_sum_of_a_parallel_plan_adds_its_workers_parts():
    """PostgreSQL's parallel plan sums in parts (each worker's, then combined): the combining
    step must add them too, as SUM's does."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans no parallel sums")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE exact_sum_parts AS SELECT g % 7 AS k, "
            "CAST(g * 0.013 - 1000 AS numeric(16, 3)) AS x FROM generate_series(1, 200000) g"
        )
        cursor.execute("ANALYZE exact_sum_parts")
        for setting in (
            "parallel_setup_cost = 0",
            "parallel_tuple_cost = 0",
            "min_parallel_table_scan_size = 0",
            "max_parallel_workers_per_gather = 2",
        ):
            cursor.execute(f"SET LOCAL {setting}")
        for query in (
            "SELECT k, exact_sum(x), SUM(x) FROM exact_sum_parts GROUP BY k ORDER BY k",
            "SELECT 0, exact_sum(x), SUM(x) FROM exact_sum_parts",
        ):
            cursor.execute(f"EXPLAIN {query}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Partial" in plan, plan  # the sums were made in parts
            cursor.execute(query)
            found = cursor.fetchall()
            assert found and all(str(ours) == str(theirs) for _, ours, theirs in found), found
