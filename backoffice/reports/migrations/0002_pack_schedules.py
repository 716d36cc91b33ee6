from django.db import migrations

KINDS = ["daily", "monthly", "quarterly", "annual"]


def schedules(apps, schema_editor):
    schedule = apps.get_model("reports", "PackSchedule")
    for kind in KINDS:
        schedule.objects.using(schema_editor.connection.alias).get_or_create(kind=kind)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_report_packs")]

    operations = [migrations.RunPython(schedules, migrations.RunPython.noop)]
