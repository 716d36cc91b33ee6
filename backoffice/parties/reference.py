"""Reference data every installation starts with: the paper types and which customer kinds
need which (DOMAIN §1). Applied after every migrate; admins edit or deactivate them in the
UI, and an existing row is never overwritten."""

from django.db import DEFAULT_DB_ALIAS

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


CADENCE_DAYS = {"A": 7, "B": 14, "C": 30}


def parties_reference_sync(*, using: str = DEFAULT_DB_ALIAS) -> None:
    from backoffice.parties.models import CallCadence, QualificationRequirement, QualificationType

    for grade, days in CADENCE_DAYS.items():
        CallCadence.objects.using(using).get_or_create(
            grade=grade, defaults={"interval_days": days}
        )
    types = QualificationType.objects.using(using)
    if types.exists():
        return  # configured already: the admins' choices stand
    for code, name, name_en in TYPES:
        types.create(code=code, name=name, name_en=name_en)
    for kind, code in REQUIRED:
        QualificationRequirement.objects.using(using).create(
            kind=kind, qualification_type=types.get(code=code)
        )
