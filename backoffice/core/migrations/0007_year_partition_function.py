"""The SQL function that adds a year's partition to a table partitioned by year
(core.partitions; PostgreSQL only)."""

from django.db import migrations

from backoffice.core.partitions import function_create, function_drop


class Migration(migrations.Migration):
    dependencies = [("core", "0006_task_beats_daily_runs")]

    operations = [migrations.RunPython(function_create, function_drop)]
