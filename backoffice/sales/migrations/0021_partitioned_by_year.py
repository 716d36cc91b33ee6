"""The sales facts, their monthly sums, the imported lines and their sums by category,
partitioned by year on PostgreSQL (issue 19 §5; core.partitions)."""

from django.db import migrations

from backoffice.core.partitions import PartitionByYear


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_year_partition_function"),
        ("sales", "0020_delivery_carrier_from_register"),
    ]

    operations = [
        PartitionByYear("salesfact", "day"),
        PartitionByYear("salesmonth", "month"),
        PartitionByYear("historyline", "day"),
        PartitionByYear("historycategory", "day"),
    ]
