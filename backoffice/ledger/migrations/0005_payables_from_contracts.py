# Supplier invoices, payments and their allocations move here from contracts (STYLE §2:
# payables belong to the ledger). The tables keep their names (db_table), so no row moves;
# the content types are relabelled so that permissions and groups keep them, and the
# journal's source labels follow the models.

import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MOVED = ("supplierinvoice", "supplierpayment", "paymentallocation")
POSTED = ("supplierinvoice", "supplierpayment")


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    db = schema_editor.connection.alias
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not content_type.objects.using(db).filter(app_label=new, model=model).exists():
            content_type.objects.using(db).filter(app_label=old, model=model).update(
                app_label=new
            )
    entry = apps.get_model("ledger", "JournalEntry")
    for model in POSTED:
        entry.objects.using(db).filter(source_model=f"{old}.{model}").update(
            source_model=f"{new}.{model}"
        )
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def forwards(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, "contracts", "ledger")


def backwards(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, "ledger", "contracts")


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0002_payables_to_ledger'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('ledger', '0004_receivable_open_index'),
        ('parties', '0002_alter_customer_kind_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='SupplierInvoice',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('number', models.CharField(max_length=32, unique=True, verbose_name='voucher number')),
                    ('vat_invoice_number', models.CharField(max_length=20, verbose_name='VAT invoice number')),
                    ('issued_on', models.DateField(db_index=True, verbose_name='invoice date')),
                    ('due_on', models.DateField(db_index=True, verbose_name='due on')),
                    ('gross_amount', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=16, verbose_name='amount (incl. VAT)')),
                    ('net_amount', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=16, verbose_name='net amount')),
                    ('tax_amount', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=16, verbose_name='input VAT')),
                    ('paid_amount', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=16, verbose_name='paid')),
                    ('contract', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='supplier_invoices', to='contracts.contract', verbose_name='purchase contract')),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                    ('supplier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='supplier_invoices', to='parties.customer', verbose_name='supplier')),
                ],
                options={
                    'verbose_name': 'supplier invoice',
                    'verbose_name_plural': 'supplier invoices',
                    'db_table': 'contracts_supplierinvoice',
                    'ordering': ['-issued_on', '-id'],
                    'permissions': [('keep_payables', 'Can record supplier invoices and payments')],
                },
            ),
            migrations.CreateModel(
                name='SupplierPayment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('number', models.CharField(max_length=32, unique=True, verbose_name='payment number')),
                    ('paid_on', models.DateField(db_index=True, verbose_name='paid on')),
                    ('amount', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=16, verbose_name='amount')),
                    ('method', models.CharField(choices=[('bank', 'Bank transfer'), ('bill', 'Acceptance bill'), ('cash', 'Cash')], default='bank', max_length=8, verbose_name='method')),
                    ('bank_reference', models.CharField(blank=True, max_length=100, verbose_name='bank reference')),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                    ('supplier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='supplier_payments', to='parties.customer', verbose_name='supplier')),
                ],
                options={
                    'verbose_name': 'supplier payment',
                    'verbose_name_plural': 'supplier payments',
                    'db_table': 'contracts_supplierpayment',
                    'ordering': ['-paid_on', '-id'],
                },
            ),
            migrations.CreateModel(
                name='PaymentAllocation',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('amount', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=16, verbose_name='amount')),
                    ('invoice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to='ledger.supplierinvoice', verbose_name='supplier invoice')),
                    ('payment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='allocations', to='ledger.supplierpayment')),
                ],
                options={
                    'verbose_name': 'allocation',
                    'verbose_name_plural': 'allocations',
                    'db_table': 'contracts_paymentallocation',
                },
            ),
            migrations.AddConstraint(
                model_name='supplierinvoice',
                constraint=models.UniqueConstraint(fields=('supplier', 'vat_invoice_number'), name='contracts_supplier_invoice_once', violation_error_message='This supplier invoice is already recorded.'),
            ),
            migrations.AddConstraint(
                model_name='supplierinvoice',
                constraint=models.CheckConstraint(condition=models.Q(('gross_amount__gt', 0)), name='contracts_supplier_invoice_positive'),
            ),
            migrations.AddConstraint(
                model_name='supplierinvoice',
                constraint=models.CheckConstraint(condition=models.Q(('paid_amount__lte', models.F('gross_amount'))), name='contracts_supplier_invoice_not_overpaid', violation_error_message="More would be paid than the invoice's amount."),
            ),
            migrations.AddConstraint(
                model_name='supplierpayment',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='contracts_payment_positive'),
            ),
            migrations.AddConstraint(
                model_name='paymentallocation',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='contracts_allocation_positive'),
            ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
