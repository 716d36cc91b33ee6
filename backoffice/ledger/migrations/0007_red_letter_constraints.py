"""The constraints of red-letter netting, once sales/0011 has netted the existing ones."""

from decimal import Decimal

import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_red_letters_net_and_allocation_days"),
    ]

    operations = [
        migrations.AlterField(
            model_name="receiptallocation",
            name="allocated_on",
            field=models.DateField(db_index=True, verbose_name="allocated on"),
        ),
        migrations.AddConstraint(
            model_name='receipt',
            constraint=models.CheckConstraint(condition=models.Q(('allocated_amount__gte', 0), ('allocated_amount__lte', models.F('amount'))), name='ledger_receipt_not_over_allocated'),
        ),
        migrations.AddConstraint(
            model_name='receiptallocation',
            constraint=models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='ledger_allocation_not_zero'),
        ),
        migrations.AddConstraint(
            model_name='receivable',
            constraint=models.CheckConstraint(condition=models.Q(('amount__lt', 0), models.Q(('allocated_amount__gte', 0), ('allocated_amount__lte', django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.F('amount'), '-', models.F('credited_amount')), '+', django.db.models.expressions.Value(Decimal('0.005')))), ('credited_amount__gte', 0)), _connector='OR'), name='ledger_receivable_not_over_allocated', violation_error_message="More would be received or reversed than the invoice's amount."),
        ),
        migrations.AddConstraint(
            model_name='receivable',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0), models.Q(('allocated_amount', 0), ('credited_amount', models.F('amount'))), _connector='OR'), name='ledger_receivable_red_letter_netted'),
        ),
    ]
