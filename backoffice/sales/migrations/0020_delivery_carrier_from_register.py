"""A delivery's carrier is one of the carriers' register (issue 17 §10), no longer free
text: each name deliveries used becomes an approved carrier, and their deliveries point to
it."""

import django.db.models.deletion
from django.db import migrations, models


def names_to_carriers(apps, schema_editor):
    Carrier = apps.get_model("office", "Carrier")
    Delivery = apps.get_model("sales", "Delivery")
    names = (
        Delivery.objects.exclude(carrier_name="")
        .values_list("carrier_name", flat=True)
        .distinct()
        .order_by("carrier_name")
    )
    taken = set(Carrier.objects.values_list("code", flat=True))
    for n, name in enumerate(names, start=1):
        name = name.strip()[:100]
        carrier = Carrier.objects.filter(name=name).first()
        if carrier is None:
            code = f"C{n:03d}"
            while code in taken:
                n += 1000
                code = f"C{n:03d}"
            taken.add(code)
            carrier = Carrier.objects.create(code=code, name=name, status="approved")
        Delivery.objects.filter(carrier_name=name).update(carrier=carrier)


def carriers_to_names(apps, schema_editor):
    Delivery = apps.get_model("sales", "Delivery")
    for delivery in Delivery.objects.filter(carrier__isnull=False).select_related("carrier"):
        delivery.carrier_name = delivery.carrier.name
        delivery.save(update_fields=["carrier_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("office", "0001_initial"),
        ("sales", "0019_delivery_extras_from_stock"),
    ]

    operations = [
        migrations.RenameField("delivery", "carrier", "carrier_name"),
        migrations.AddField(
            model_name="delivery",
            name="carrier",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deliveries",
                to="office.carrier",
                verbose_name="carrier",
            ),
        ),
        migrations.RunPython(names_to_carriers, carriers_to_names),
        migrations.RemoveField("delivery", "carrier_name"),
    ]
