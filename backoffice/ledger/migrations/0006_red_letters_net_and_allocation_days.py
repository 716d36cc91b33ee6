"""Red letters net against the invoices they reverse (credited_amount, reverses), and
allocations carry their own day. The existing red letters are netted by
sales/0011_red_letters_net; the constraints follow in 0007."""

import django.db.models.deletion
import django.db.models.expressions
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def allocation_days(apps, schema_editor):
    """Every share so far was allocated on its receipt's day."""
    Receipt = apps.get_model("ledger", "Receipt")
    ReceiptAllocation = apps.get_model("ledger", "ReceiptAllocation")
    alias = schema_editor.connection.alias
    ReceiptAllocation.objects.using(alias).update(
        allocated_on=Subquery(
            Receipt.objects.using(alias).filter(pk=OuterRef("receipt_id")).values("received_on")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('ledger', '0005_payables_from_contracts'),
        ('parties', '0002_alter_customer_kind_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='receipt',
            name='ledger_receipt_not_over_allocated',
        ),
        migrations.RemoveConstraint(
            model_name='receiptallocation',
            name='ledger_allocation_positive',
        ),
        migrations.RemoveConstraint(
            model_name='receivable',
            name='ledger_receivable_not_over_allocated',
        ),
        migrations.RemoveIndex(
            model_name='receivable',
            name='ledger_receivable_open',
        ),
        migrations.AddField(
            model_name='receiptallocation',
            name='allocated_on',
            field=models.DateField(db_index=True, null=True, verbose_name='allocated on'),
        ),
        migrations.AddField(
            model_name='receivable',
            name='credited_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=16, verbose_name='reversed'),
        ),
        migrations.AddField(
            model_name='receivable',
            name='reverses',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversals', to='ledger.receivable', verbose_name='reverses'),
        ),
        migrations.AddIndex(
            model_name='receivable',
            index=models.Index(condition=models.Q(('amount__gte', django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.F('allocated_amount'), '+', models.F('credited_amount')), '+', django.db.models.expressions.Value(Decimal('0.005'))))), fields=['customer', 'issued_on'], name='ledger_receivable_still_open'),
        ),
        migrations.RunPython(allocation_days, migrations.RunPython.noop),
    ]
