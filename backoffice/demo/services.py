"""Loads the demo company once; running it again adds nothing twice."""

from django.db import transaction

from backoffice.accounts.models import Department, Region, User
from backoffice.accounts.services import user_create
from backoffice.core.services import model_save
from backoffice.demo import data
from backoffice.demo.catalog import demo_catalog
from backoffice.demo.company import demo_company
from backoffice.demo.contracts import demo_contracts
from backoffice.demo.customers import demo_customers
from backoffice.demo.expenses import demo_expenses
from backoffice.demo.materials import demo_materials
from backoffice.demo.office import demo_carriers, demo_mail
from backoffice.demo.orders import demo_orders


@transaction.atomic
def demo_seed() -> list[tuple[str, str, str]]:
    """Create what is missing; return (username, password, role) of every demo login."""
    for code, name in data.REGIONS:
        if not Region.objects.filter(code=code).exists():
            model_save(instance=Region(code=code, name=name), by=None)
    for code, name in data.DEPARTMENTS:
        if not Department.objects.filter(code=code).exists():
            model_save(instance=Department(code=code, name=name), by=None)
    logins = []
    for username, role, full_name, department, regions in data.USERS:
        if not User.objects.filter(username=username).exists():
            user = user_create(
                username=username,
                role=role,
                region_codes=regions,
                password=data.DEMO_PASSWORD,
                full_name=full_name,
                validate_password_strength=False,
                language="zh-hans",  # the demo company works in Chinese, its mail too
            )
            user.department = Department.objects.get(code=department)
            model_save(instance=user, by=None)
        logins.append((username, data.DEMO_PASSWORD, role))
    for username, full_name, region in data.MORE_REPS:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username,
                role="rep",
                region_codes=[region],
                password=data.DEMO_PASSWORD,
                full_name=full_name,
                validate_password_strength=False,
                language="zh-hans",
            )
    demo_company()
    demo_catalog(by=User.objects.get(username="clerk"))  # clerks keep the catalog
    demo_customers()
    demo_carriers()
    demo_orders()
    demo_contracts()
    demo_expenses()
    demo_materials()
    demo_mail()
    demo_packs()
    # The demo's history sent hundreds of "please review" notes; keep the latest few unread.
    for user in User.objects.all():
        keep = list(user.notifications.values_list("pk", flat=True)[:5])
        user.notifications.exclude(pk__in=keep).update(is_read=True)
    return logins


def demo_packs() -> None:
    """Managers receive the packs; last month's and yesterday's are in the archive."""
    from datetime import timedelta

    from django.utils import timezone

    from backoffice.reports.models import PackSchedule, ReportPack
    from backoffice.reports.services import report_pack_build

    managers = list(User.objects.filter(username__in=["sales_manager", "gm"]))
    for schedule in PackSchedule.objects.all():
        schedule.recipients.add(*managers if schedule.kind != "daily" else managers[:1])
    if ReportPack.objects.exists():
        return
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    report_pack_build(kind="monthly", start=last_month)
    report_pack_build(kind="daily", start=today - timedelta(days=1))
