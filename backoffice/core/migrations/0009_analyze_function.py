"""The function that refreshes a table's statistics as its owner, for the application's
role, which owns none (core.partitions.analyze_statements; PostgreSQL only)."""

from django.db import migrations

from backoffice.core.partitions import analyze_create, analyze_drop


class Migration(migrations.Migration):
    dependencies = [("core", "0008_exact_sum")]

    operations = [migrations.RunPython(analyze_create, analyze_drop)]
