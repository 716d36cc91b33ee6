"""Red letters issued before netting existed are netted now against the invoices they
reverse, with the same code the red-letter service runs (ledger.services.receivables): an
invoice reversed after it was paid gives the excess back to its receipts as credit."""

from django.db import migrations


def net(apps, schema_editor):
    from backoffice.ledger.models import Receivable
    from backoffice.ledger.services.receipts import allocations_release

    Invoice = apps.get_model("sales", "Invoice")
    alias = schema_editor.connection.alias
    reds = Invoice.objects.using(alias).filter(kind="red", reverses__isnull=False)
    for red_id, original_id, issued_on in reds.values_list("pk", "reverses_id", "issued_on"):
        rows = Receivable.objects.using(alias).filter(source_model="sales.invoice")
        red = rows.filter(source_id=red_id, reverses__isnull=True).first()
        original = rows.filter(source_id=original_id).first()
        if red is None or original is None:
            continue
        beyond = -red.amount - original.open_amount
        if beyond > 0:
            allocations_release(
                receivable=original,
                amount=beyond,
                on=issued_on,
                memo=f"Invoice {original.document_number} reversed after payment",
                by=None,
            )
        original.credited_amount -= red.amount
        original.save(update_fields=["credited_amount", "allocated_amount"])
        red.credited_amount, red.reverses = red.amount, original
        red.save(update_fields=["credited_amount", "reverses"])


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0010_history_sums"),
        ("ledger", "0006_red_letters_net_and_allocation_days"),
    ]
    run_before = [("ledger", "0007_red_letter_constraints")]

    operations = [migrations.RunPython(net, migrations.RunPython.noop)]
