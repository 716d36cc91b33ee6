"""The expense categories a sales department starts with (DOMAIN §7), each posted to its
sub-account of 6601 sales expenses (expenses/apps.py registers the accounts). Admins rename,
add and deactivate them afterwards."""

from django.db import migrations

CATEGORIES = [
    ("CONF", "会议费", "marketing", "660101"),
    ("ACAD", "学术推广费", "marketing", "660102"),
    ("SPON", "赞助费", "marketing", "660103"),
    ("HOSP", "业务招待费", "marketing", "660104"),
    ("GIFT", "样品及礼品", "marketing", "660105"),
    ("EXPR", "快递费", "operations", "660106"),
    ("PRNT", "印刷费", "operations", "660107"),
    ("CARD", "名片费", "operations", "660108"),
    ("OFFC", "办公用品", "operations", "660109"),
    ("TRVL", "差旅费", "operations", "660110"),
]


def categories_create(apps, schema_editor):
    category = apps.get_model("expenses", "ExpenseCategory")
    for code, name, group, account in CATEGORIES:
        category.objects.get_or_create(
            code=code, defaults={"name": name, "group": group, "account_code": account}
        )


class Migration(migrations.Migration):
    dependencies = [("expenses", "0001_initial")]

    operations = [
        migrations.RunPython(categories_create, migrations.RunPython.noop, elidable=False)
    ]
