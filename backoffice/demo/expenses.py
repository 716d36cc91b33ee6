"""Demo expenses: this year's budgets of every region, and marketing expense applications
in every state (drafts, one refused by its budget and allowed by the general manager, in
review at each level, approved, sent back, cancelled, verified and posted, its verification
with finance); and two petty cash floats, each with last month settled or waiting to be,
and this month's spending open."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from backoffice.accounts.models import Region, User
from backoffice.core.exceptions import ApplicationError
from backoffice.core.periods import period_end, shift_start
from backoffice.expenses.models import Budget, ExpenseApplication, ExpenseCategory
from backoffice.expenses.services import (
    application_cancel,
    application_create,
    application_override,
    application_submit,
    budget_create,
    entry_create,
    float_issue,
    settlement_create,
    settlement_submit,
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
    _petty_cash(today)


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


PETTY_SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


def _petty_cash(today) -> None:
    """The clerk's float of 2,000: last month settled (approved by the sales manager and
    finance, posted and topped up), this month's spending open. The second clerk's float of
    1,000: last month's spending not yet sent to be settled (on her to-dos)."""
    people = {u.username: u for u in User.objects.filter(
        username__in=["clerk", "clerk2", "finance", "sales_manager"]
    )}  # fmt: skip
    category = {c.code: c for c in ExpenseCategory.objects.all()}
    this_month = today.replace(day=1)
    last_month = shift_start(this_month, "month", -1)
    spending = [
        ("EXPR", "23.00", "顺丰寄送合同至北京协和医院", "SF1402938475", 3),
        ("EXPR", "18.50", "京东快递寄发票", "JD0087263512", 8),
        ("PRNT", "360.00", "新品彩页加印 300 份", "04421873", 12),
        ("CARD", "120.00", "名片印刷（王磊、李娜）", "04425518", 15),
        ("EXPR", "46.00", "顺丰寄样品至天津", "SF1403387211", 21),
        ("OFFC", "88.60", "打印纸及文件袋", "04430012", 26),
    ]

    def spend(holder, month, rows):
        for code, amount, description, invoice, day in rows:
            entry_create(
                by=holder,
                petty_float=floats[holder.username],
                spent_on=min(month.replace(day=day), today),
                category=category[code],
                amount=amount,
                description=description,
                invoice_number=invoice,
                scan=SimpleUploadedFile("收据.pdf", PETTY_SCAN, content_type="application/pdf"),
            )

    floats = {
        username: float_issue(
            by=people["finance"],
            holder=people[username],
            amount=amount,
            issued_on=shift_start(this_month, "month", -2),
            note="销售内勤备用金",
        )
        for username, amount in (("clerk", "2000"), ("clerk2", "1000"))
    }
    spend(people["clerk"], last_month, spending)
    settlement = settlement_create(
        by=people["clerk"], petty_float=floats["clerk"], month=last_month
    )
    settlement_submit(settlement=settlement, by=people["clerk"])
    for reviewer in (people["sales_manager"], people["finance"]):
        review_decide(request=review_request_for(settlement), by=reviewer, verdict="approve")
    spend(people["clerk"], this_month, spending[:2])
    spend(people["clerk2"], last_month, spending[2:4])
    spend(people["clerk2"], this_month, spending[4:5])
