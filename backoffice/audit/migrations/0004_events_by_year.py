"""The audit trail partitioned by year of its events, in the company's time zone, on
PostgreSQL (issue 19 §5; core.partitions). Its append-only triggers go with it."""

from django.db import migrations

from backoffice.core.partitions import PartitionByYear


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_year_partition_function"),
        ("audit", "0003_refuse_truncate"),
    ]

    operations = [PartitionByYear("auditevent", "occurred_at")]
