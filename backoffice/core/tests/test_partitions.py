# ruff: noqa: S608 - SQL here is built from table and column names of our own (the catalog's);
# values are parameters.
"""Tables partitioned by year (issue 19 §5, core.partitions). PostgreSQL only: on SQLite
the same migrations leave plain tables, which the rest of the suite runs on."""

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice.audit.models import AuditEvent
from backoffice.core.jobs import daily_jobs_run
from backoffice.core.partitions import (
    _rebuild,
    partitioned_tables,
    partitions,
    partitions_ahead,
    years_ensure,
)
from backoffice.reports.selectors.sales import SalesQuery, sales_statistics
from backoffice.sales.models import SalesFact, SalesMonth

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions are made on PostgreSQL only"
)

EXPECTED = {
    "audit_auditevent": "occurred_at",
    "ledger_journalline": "posted_on",
    "sales_historycategory": "day",
    "sales_historyline": "day",
    "sales_salesfact": "day",
    "sales_salesmonth": "month",
}


def _fetch(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _fact(day: date, amount: str = "10.00", **extra) -> SalesFact:
    values = {
        "basis": SalesFact.Basis.ORDERED,
        "day": day,
        "customer_id": 1,
        "product_id": 0,
        "region_id": 1,
        "owner_id": 1,
        "customer_kind": "dealer",
        "quantity": Decimal(1),
        "gross_amount": Decimal(amount),
        "net_amount": Decimal(amount),
        "orders": 1,
    }
    values.update(extra)
    return SalesFact.objects.create(**values)


def _where(table: str, key: str, value) -> str:
    return _fetch(f"SELECT tableoid::regclass::text FROM {table} WHERE {key} = %s", [value])[0][0]


def test_the_growing_tables_are_partitioned_by_year(db):
    assert partitioned_tables() == EXPECTED
    this_year = timezone.localdate().year
    for table in EXPECTED:
        names = partitions(table)
        assert f"{table}_default" in names
        assert f"{table}_y{this_year + 1}" in names  # made a year ahead
    # each partition has its copy of the table's statistics objects (the planner reads those)
    stats = {name for (name,) in _fetch("SELECT stxname FROM pg_statistic_ext")}
    assert "sales_month_grain" in stats
    assert {f"{p}_sales_month_grain" for p in partitions("sales_salesmonth")} <= stats


def test_a_row_goes_to_its_year_and_a_stray_moves_there_when_the_year_is_made(db):
    year = timezone.localdate().year
    fact = _fact(date(year, 6, 1))
    assert _where("sales_salesfact", "id", fact.pk) == f"sales_salesfact_y{year}"
    stray = _fact(date(2011, 3, 4), customer_id=2)  # no partition for 2011: the default
    assert _where("sales_salesfact", "id", stray.pk) == "sales_salesfact_default"

    made = years_ensure([2011, year])
    assert "sales_salesfact_y2011" in made and f"sales_salesfact_y{year}" not in made
    assert _where("sales_salesfact", "id", stray.pk) == "sales_salesfact_y2011"
    assert SalesFact.objects.filter(pk__in=[fact.pk, stray.pk]).count() == 2
    assert years_ensure([2011]) == []  # made once
    later = _fact(date(2013, 1, 1), customer_id=3)  # a stray the daily job finds and places
    assert _where("sales_salesfact", "id", later.pk) == "sales_salesfact_default"
    assert "sales_salesfact_y2013" in partitions_ahead()["made"]
    assert _where("sales_salesfact", "id", later.pk) == "sales_salesfact_y2013"


def test_the_audit_trail_stays_append_only_in_its_partitions_and_moves_by_local_year(db):
    event = AuditEvent.objects.create(action="update", model="x.y", object_id="1")
    part = _where("audit_auditevent", "id", event.pk)
    assert part.startswith("audit_auditevent_y")
    for sql in (f"UPDATE {part} SET note = 'x'", f"DELETE FROM {part}"):
        with pytest.raises(DatabaseError), transaction.atomic():
            _fetch(sql)
    # an event of 2012-12-31 23:30 in Shanghai is one of 2012, though 2012-12-31 15:30 UTC
    _fetch(
        "INSERT INTO audit_auditevent (occurred_at, action, model, object_id, "
        "object_repr, changes, note) VALUES (%s, 'update', 'x.y', '2', '', '{}', '') "
        "RETURNING id",
        [datetime(2012, 12, 31, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))],
    )
    _fetch("SET CONSTRAINTS ALL IMMEDIATE")  # the actor's check, deferred, is done
    years_ensure([2012, 2013])
    assert _where("audit_auditevent", "object_id", "2") == "audit_auditevent_y2012"


def test_the_daily_job_makes_next_years_partitions(db, time_machine):
    time_machine.move_to(datetime(2031, 12, 31, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    result = daily_jobs_run()
    assert set(result["partitions ahead"]["made"]) >= {f"{t}_y2032" for t in EXPECTED}
    assert {f"{t}_y2031" for t in EXPECTED} <= {p for t in EXPECTED for p in partitions(t)}


def _relations(sql: str) -> set[str]:
    """Every table a statement's plan reads."""
    plan = _fetch(f"EXPLAIN (FORMAT JSON) {sql}")[0][0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, todo = set(), [plan[0]["Plan"]]
    while todo:
        node = todo.pop()
        if "Relation Name" in node:
            found.add(node["Relation Name"])
        todo.extend(node.get("Plans", []))
    return found


def test_a_three_year_report_reads_only_its_years(db, admin_user):
    years_ensure(range(2018, 2027))
    for year in range(2018, 2027):
        _fact(date(year, 5, 1))
        SalesMonth.objects.create(
            basis=SalesFact.Basis.ORDERED,
            month=date(year, 5, 1),
            customer_id=0,
            product_id=0,
            region_id=1,
            owner_id=0,
            customer_kind="",
            category_id=0,
            quantity=Decimal(1),
            gross_amount=Decimal(10),
            net_amount=Decimal(10),
            orders=1,
        )
    read = set()
    for group_by, last in (
        ((), date(2026, 12, 31)),
        (("customer",), date(2026, 12, 31)),
        (("product",), date(2026, 12, 31)),
        (("customer",), date(2026, 12, 20)),  # not whole months: the daily facts
    ):
        query = SalesQuery(date(2024, 1, 1), last, "month", group_by, "ordered")
        with CaptureQueriesContext(connection) as queries:
            report = sales_statistics(by=admin_user, query=query)
        assert report["totals"]["amount"] == Decimal("30.00")
        for captured in queries.captured_queries:
            sql = captured["sql"]
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                read |= {r for r in _relations(sql) if r.startswith(tuple(EXPECTED))}
    assert {"sales_salesmonth_y2025", "sales_salesfact_y2026"} <= read
    years = {name.rsplit("_y", 1)[-1] for name in read}
    # its three years, and the year before for the comparison with last year
    assert years <= {"2023", "2024", "2025", "2026"}, read


def test_a_table_rebuilt_keeps_its_rows_keys_indexes_triggers_and_views(db):
    _fetch(
        "CREATE TABLE part_probe (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "day date NOT NULL, actor_id bigint REFERENCES accounts_user (id), "
        "amount numeric(12, 2) NOT NULL CHECK (amount >= 0), code varchar(8) NOT NULL, "
        "CONSTRAINT part_probe_code UNIQUE (code, day))"
    )
    _fetch("CREATE INDEX part_probe_day ON part_probe (day) WHERE amount > 0")
    _fetch("CREATE STATISTICS part_probe_pair (mcv, ndistinct) ON code, amount FROM part_probe")
    _fetch(
        "CREATE TRIGGER part_probe_guard BEFORE DELETE ON part_probe FOR EACH ROW "
        "EXECUTE FUNCTION audit_auditevent_append_only()"
    )
    _fetch(
        "CREATE VIEW part_probe_sums AS SELECT day, SUM(amount) AS amount FROM part_probe "
        "GROUP BY day"
    )
    _fetch("CREATE VIEW part_probe_total AS SELECT SUM(amount) AS amount FROM part_probe_sums")
    _fetch(
        "INSERT INTO part_probe (day, amount, code) VALUES ('2019-02-03', 1.5, 'a'), "
        "('2026-07-08', 2.25, 'b')"
    )

    class Editor:
        connection = connection

        @staticmethod
        def execute(sql, params=None):
            _fetch(sql, params)

    _rebuild(Editor, "part_probe", "day", ["id"])
    this_year = timezone.localdate().year
    # the years its rows have, this year and the next
    assert partitions("part_probe") == [
        f"part_probe_{suffix}"
        for suffix in [
            "default",
            *(f"y{y}" for y in sorted({2019, 2026, this_year, this_year + 1})),
        ]
    ]
    assert _fetch("SELECT amount FROM part_probe_total") == [(Decimal("3.75"),)]
    assert _where("part_probe", "code", "a") == "part_probe_y2019"
    new_id = _fetch(
        "INSERT INTO part_probe (day, amount, code) VALUES ('2026-01-01', 1, 'c') RETURNING id"
    )
    assert new_id == [(3,)]  # the identity goes on from the rows kept
    constraints = dict(
        _fetch(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'part_probe'::regclass"
        )
    )
    assert constraints["part_probe_pkey"] == "PRIMARY KEY (id, day)"
    assert constraints["part_probe_code"] == "UNIQUE (code, day)"
    assert any(d.startswith("FOREIGN KEY (actor_id)") for d in constraints.values())
    assert any(d.startswith("CHECK ((amount >=") for d in constraints.values())
    assert _fetch("SELECT indexdef FROM pg_indexes WHERE indexname = 'part_probe_day'")
    stats = dict(_fetch("SELECT stxname, pg_get_statisticsobjdef(oid) FROM pg_statistic_ext"))
    assert stats["part_probe_pair"].endswith("(ndistinct, mcv) ON amount, code FROM part_probe")
    assert stats["part_probe_y2019_part_probe_pair"].endswith(
        "(ndistinct, mcv) ON amount, code FROM part_probe_y2019"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        _fetch("DELETE FROM part_probe WHERE code = 'a'")  # the trigger went with it
    with pytest.raises(DatabaseError), transaction.atomic():
        _fetch("INSERT INTO part_probe (day, amount, code) VALUES ('2026-02-02', -1, 'd')")

    _rebuild(Editor, "part_probe", None, ["id"])  # and back to a plain table
    assert partitions("part_probe") == []
    assert _fetch("SELECT amount FROM part_probe_total") == [(Decimal("4.75"),)]
    assert _fetch(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'part_probe_pkey'"
    ) == [("PRIMARY KEY (id)",)]
