"""PostgreSQL's planner, told that product_id and customer_id together pick a grain of the
monthly sums (0 and 0: all products by region, rep and kind, a few thousand rows among
hundreds of thousands): without it, it multiplies their frequencies as if unrelated and scans
the table where a range of the key reads 3 % of it (issue 16: a report's totals, 21 → 2 ms)."""

from django.db import migrations


def statistics_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE STATISTICS IF NOT EXISTS sales_month_grain (mcv) "
            "ON product_id, customer_id FROM sales_salesmonth"
        )
        schema_editor.execute("ANALYZE sales_salesmonth")


def statistics_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS sales_month_grain")


class Migration(migrations.Migration):
    dependencies = [("sales", "0016_sales_month")]

    operations = [migrations.RunPython(statistics_create, statistics_drop, elidable=False)]
