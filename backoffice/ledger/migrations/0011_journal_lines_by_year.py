"""The journal lines partitioned by year on PostgreSQL (issue 19 §5; core.partitions)."""

from django.db import migrations

from backoffice.core.partitions import PartitionByYear


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_year_partition_function"),
        ("ledger", "0010_refuse_delete_of_posted_rows"),
    ]

    operations = [PartitionByYear("journalline", "posted_on")]
