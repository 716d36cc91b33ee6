"""The database refuses to delete posted ledger rows (issue 15 §1), as it does audit rows.

Nothing in the ledger has a draft: entries, receivables, receipts, supplier invoices and
payments, and their allocations are corrected by reversal, never deleted. The ORM guard
(`core/deletion.py`, `DELETION = deletion.NEVER`) refuses first with a readable message;
these triggers also stop raw SQL, a shell or another program. PostgreSQL also refuses
TRUNCATE (which row triggers do not see). On SQLite the trigger asks the audit guard's SQL
function, so that only the test suite's `purge_allowed()` empties the tables
(`audit/guard.py`).
"""

TABLES = [
    "ledger_journalentry",
    "ledger_journalline",
    "ledger_receivable",
    "ledger_receipt",
    "ledger_receiptallocation",
    "contracts_supplierinvoice",
    "contracts_supplierpayment",
    "contracts_paymentallocation",
]

_MESSAGE = "posted ledger rows cannot be deleted: post a reversal"


def _sqlite(table: str) -> list[str]:
    return [
        f"""
        CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        WHEN backoffice_audit_purge_allowed() = 0
        BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END
        """
    ]


def _postgres(table: str) -> list[str]:
    return [
        f"""
        CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_delete()
        """,
        f"""
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_delete()
        """,
    ]


POSTGRES_FUNCTION = f"""
    CREATE FUNCTION ledger_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_MESSAGE} (%)', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
"""


def create_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)  # its '%' is PL/pgSQL's
    for table in TABLES:
        statements = {"sqlite": _sqlite, "postgresql": _postgres}.get(vendor)
        for sql in statements(table) if statements else []:
            schema_editor.execute(sql)


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_delete()")
