from django.db import migrations

TYPES = [
    ("business_licence", "营业执照", "Business licence"),
    ("drug_trading_licence", "药品经营许可证", "Drug trading licence"),
    ("device_trading_licence", "医疗器械经营许可证", "Medical device trading licence"),
    ("gsp_certificate", "GSP证书", "GSP certificate"),
    ("authorisation_letter", "法人授权委托书", "Authorisation letter"),
    ("purchaser_id", "采购人员身份证", "Purchaser's ID"),
]
KINDS = ["hospital", "distributor", "pharmacy", "enterprise", "individual"]
REQUIRED = [(kind, "business_licence") for kind in KINDS] + [
    ("distributor", "drug_trading_licence"),
    ("pharmacy", "drug_trading_licence"),
]


def load(apps, schema_editor):
    QualificationType = apps.get_model("parties", "QualificationType")
    Requirement = apps.get_model("parties", "QualificationRequirement")
    for code, name, name_en in TYPES:
        QualificationType.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    for kind, code in REQUIRED:
        Requirement.objects.get_or_create(
            kind=kind, qualification_type=QualificationType.objects.get(code=code)
        )


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
