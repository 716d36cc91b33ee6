"""The database's exact sum by plain numeric addition, which the history import's sums use
(core.money.sql_sum; PostgreSQL only)."""

from django.db import migrations

from backoffice.core.money import exact_sum_create, exact_sum_drop


class Migration(migrations.Migration):
    dependencies = [("core", "0007_year_partition_function")]

    operations = [migrations.RunPython(exact_sum_create, exact_sum_drop)]
