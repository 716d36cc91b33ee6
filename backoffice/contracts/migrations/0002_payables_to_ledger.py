# Supplier invoices, payments and their allocations moved to the ledger (STYLE §2). Their
# tables stay as they are; only the models' state moves (ledger 0005 takes them over).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveConstraint(
                model_name='paymentallocation',
                name='contracts_allocation_positive',
            ),
            migrations.RemoveConstraint(
                model_name='supplierinvoice',
                name='contracts_supplier_invoice_once',
            ),
            migrations.RemoveConstraint(
                model_name='supplierinvoice',
                name='contracts_supplier_invoice_positive',
            ),
            migrations.RemoveConstraint(
                model_name='supplierinvoice',
                name='contracts_supplier_invoice_not_overpaid',
            ),
            migrations.RemoveConstraint(
                model_name='supplierpayment',
                name='contracts_payment_positive',
            ),
            migrations.RemoveField(
                model_name='supplierinvoice',
                name='contract',
            ),
            migrations.RemoveField(
                model_name='supplierinvoice',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='supplierinvoice',
                name='supplier',
            ),
            migrations.RemoveField(
                model_name='supplierpayment',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='supplierpayment',
                name='supplier',
            ),
            migrations.DeleteModel(
                name='PaymentAllocation',
            ),
            migrations.DeleteModel(
                name='SupplierInvoice',
            ),
            migrations.DeleteModel(
                name='SupplierPayment',
            ),
            ],
        ),
    ]
