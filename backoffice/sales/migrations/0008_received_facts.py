"""Receipts allocated before the received basis existed count as received too.

Runs the same code the ledger calls for each new receipt (sales.facts.facts_received), so
it uses the application's models rather than historical ones; it does nothing on a database
without allocations, or where received facts exist already."""

from django.db import migrations


def backfill(apps, schema_editor):
    from backoffice.ledger.models import Receipt
    from backoffice.sales.facts import facts_received
    from backoffice.sales.models import SalesFact

    alias = schema_editor.connection.alias
    if SalesFact.objects.using(alias).filter(basis=SalesFact.Basis.RECEIVED).exists():
        return
    receipts = Receipt.objects.using(alias).filter(allocations__isnull=False).distinct()
    for receipt in receipts.prefetch_related("allocations__receivable").order_by("pk"):
        facts_received(
            receipt,
            [(a.receivable, a.amount) for a in receipt.allocations.all()],
            receipt.received_on,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0007_fact_product_day"),
        ("ledger", "0004_receivable_open_index"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
