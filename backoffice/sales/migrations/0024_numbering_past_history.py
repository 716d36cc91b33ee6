"""Orders entered here are numbered past the numbers imported orders carry in this
system's form (the approval no longer looks each number up among the imported ones): each
year's counter is moved past the highest already imported (core.numbering)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from backoffice.core.numbering import numbers_taken_in

    table = apps.get_model("sales", "HistoryOrder")._meta.db_table
    numbers_taken_in(table, "number", kind="SO", using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("sales", "0023_month_version"), ("core", "0007_year_partition_function")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
