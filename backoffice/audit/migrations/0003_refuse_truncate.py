from django.db import migrations

import backoffice.audit.guard


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_import_action"),
    ]

    operations = [
        migrations.RunPython(
            backoffice.audit.guard.create_truncate_trigger,
            backoffice.audit.guard.drop_truncate_trigger,
        ),
    ]
