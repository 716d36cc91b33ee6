"""Demo expenses: this year's budgets of every region, and marketing expense applications
in every state (drafts, one refused by its budget and allowed by the general manager, in
review at each level, approved, sent back, cancelled, verified and posted, its verification
with finance)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from backoffice.accounts.models import Region, User
from backoffice.core.exceptions import ApplicationError
from backoffice.core.periods import period_end
from backoffice.expenses.models import Budget, ExpenseApplication, ExpenseCategory
from backoffice.expenses.services import (
    application_cancel,
    application_create,
    application_override,
    application_submit,
    budget_create,
    verification_submit,
)
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

# A year's budget per region and marketing category, in yuan (the north and the east are
# the big regions); the conference budget also by quarter.
YEARLY = {"CONF": 240000, "ACAD": 180000, "SPON": 120000, "HOSP": 60000, "GIFT": 40000}
BIG_REGIONS = {"north", "east"}


def demo_expenses() -> None:
    if Budget.objects.exists():
        return
    finance = User.objects.get(username="finance")
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    for region in Region.objects.order_by("code"):
        share = Decimal(1) if region.code in BIG_REGIONS else Decimal("0.5")
        for code, amount in YEARLY.items():
            category = ExpenseCategory.objects.get(code=code)
            budget_create(
                by=finance,
                region=region,
                category=category,
                period="year",
                starts_on=year_start,
                amount=Decimal(amount) * share,
            )
        budget_create(
            by=finance,
            region=region,
            category=ExpenseCategory.objects.get(code="CONF"),
            period="quarter",
            starts_on=quarter_start,
            amount=Decimal(YEARLY["CONF"]) * share / 4,
            note="季度会议预算",
        )
    _applications(today)


def _applications(today) -> None:
    people = {u.username: u for u in User.objects.filter(username__in=[
        "rep_wang", "rep_li", "clerk", "sales_manager", "gm",
    ])}  # fmt: skip
    north, east = Region.objects.get(code="north"), Region.objects.get(code="east")
    category = {c.code: c for c in ExpenseCategory.objects.all()}
    manager, general = people["sales_manager"], people["gm"]

    quarter_end = period_end(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), "quarter")

    def apply(who, region, code, amount, purpose, days):
        # within this quarter, which the demo's budgets cover
        return application_create(
            by=people[who],
            region=region,
            category=category[code],
            amount=Decimal(amount),
            purpose=purpose,
            planned_on=min(today + timedelta(days=days), quarter_end),
        )

    def approve(application, *by):
        for reviewer in by:
            review_decide(request=review_request_for(application), by=reviewer, verdict="approve")

    # approved: a city meeting of the north, an academic promotion in the east
    for who, region, code, amount, purpose, days in [
        ("rep_wang", north, "CONF", "18000", "石家庄市心内科学术沙龙（40人）", 10),
        ("rep_li", east, "ACAD", "26000", "杭州地区药学部学术推广会", 14),
        ("rep_wang", north, "HOSP", "3200", "接待天津医科大学总医院药剂科", 3),
    ]:
        application = apply(who, region, code, amount, purpose, days)
        application_submit(application=application, by=people[who])
        approve(application, manager)
    # what two approved applications cost: one checked by finance (posted), one waiting
    scan = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501
    finance = User.objects.get(username="finance")
    for spent, checked in (("3150.00", True), ("17600.00", False)):
        application = (
            ExpenseApplication.objects.filter(
                status=ExpenseApplication.Status.APPROVED, amount__gte=Decimal(spent)
            )
            .order_by("amount")
            .first()
        )
        verification = verification_submit(
            application=application,
            by=application.owner,
            lines=[
                {
                    "spent_on": today,
                    "description": application.purpose[:40],
                    "amount": spent,
                    "invoice_number": "04420" + spent[:3],
                }
            ],
            scans=[SimpleUploadedFile("发票.pdf", scan, content_type="application/pdf")],
        )
        if checked:
            approve(verification, finance)
    # a large sponsorship: approved by the sales manager, waiting for the general manager
    big = apply("rep_li", east, "SPON", "60000", "华东区域年会协办赞助", 30)
    application_submit(application=big, by=people["rep_li"])
    approve(big, manager)
    # waiting for the sales manager
    waiting = apply("rep_wang", north, "GIFT", "4800", "新品样品及宣传礼品（北京区域）", 7)
    application_submit(application=waiting, by=people["rep_wang"])
    # sent back to draft with a note
    returned = apply("rep_li", east, "HOSP", "9800", "客户答谢宴", 5)
    application_submit(application=returned, by=people["rep_li"])
    review_decide(
        request=review_request_for(returned), by=manager, verdict="reject", note="请拆分并说明人数"
    )
    # beyond the quarter's conference budget: refused, then allowed by the general manager
    over = apply("rep_wang", north, "CONF", "70000", "华北区域新品上市会（300人）", 20)
    try:
        application_submit(application=over, by=people["rep_wang"])
    except ApplicationError:
        application_override(application=over, by=general, reason="新品上市，年度重点项目")
        application_submit(application=over, by=people["rep_wang"])
    # drafts, and one cancelled
    apply("rep_wang", north, "ACAD", "12000", "保定地区县医院学术巡讲", 25)
    apply("clerk", north, "GIFT", "1500", "展会宣传彩页及小礼品", 12)
    dropped = apply("rep_li", east, "CONF", "8000", "苏州科室会", 9)
    application_cancel(application=dropped, by=people["rep_li"], reason="科室会改为线上")
