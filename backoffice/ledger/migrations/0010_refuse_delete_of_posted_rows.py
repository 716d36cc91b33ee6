from django.db import migrations

import backoffice.ledger.guard


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0009_protect_posted_references"),
        ("audit", "0003_refuse_truncate"),
    ]

    operations = [
        migrations.RunPython(
            backoffice.ledger.guard.create_triggers, backoffice.ledger.guard.drop_triggers
        ),
    ]
