"""Demo materials: a catalog of what a pharmaceutical distributor's back office hands out
(brochures, samples in batches, gifts, business cards, packaging, office supplies), stock in
the warehouse, the office and two reps' bags, received over the last two months, and issues
in every state: drafts, in review (one approval of two), released to customers and to reps,
lent samples returned, partly returned and overdue, one sent back, one cancelled; and the
office's month-end count, approved with two brochures missing; a reprint received from the
printer and business cards on order."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.demo.clock import demo_clock
from backoffice.materials.models import MaterialItem
from backoffice.materials.services import (
    issue_cancel,
    issue_create,
    issue_return,
    issue_submit,
    item_save,
    location_create,
    printing_order,
    printing_receive,
    receipt_create,
    stocktake_count,
    stocktake_start,
    stocktake_submit,
)
from backoffice.parties.models import Customer
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

# code, name, kind, specification, unit, batch-tracked, reorder level
ITEMS = [
    ("WL-BR-001", "阿莫西林胶囊产品彩页", "brochure", "A4 双面 铜版纸", "份", False, 200),
    ("WL-BR-002", "布洛芬缓释胶囊产品手册", "brochure", "16开 12页", "本", False, 100),
    ("WL-BR-003", "公司宣传画册", "brochure", "A4 24页 精装", "本", False, 50),
    ("WL-SP-001", "阿莫西林胶囊样品", "sample", "0.25g×24粒", "盒", True, 30),
    ("WL-SP-002", "布洛芬缓释胶囊样品", "sample", "0.3g×20粒", "盒", True, 30),
    ("WL-SP-003", "头孢克肟分散片样品", "sample", "0.1g×6片", "盒", True, 20),
    ("WL-GF-001", "定制保温杯", "gift", "500ml 印公司标识", "个", False, 20),
    ("WL-GF-002", "学术会议资料袋", "gift", "无纺布 印标识", "个", False, 100),
    ("WL-BC-001", "名片（王磊）", "business_card", "300g 铜版纸 100张/盒", "盒", False, 0),
    ("WL-PK-001", "样品快递纸箱", "packaging", "三层 30×20×15cm", "个", False, 50),
    ("WL-OF-001", "A4 复印纸", "office_supply", "70g 500张/包", "包", False, 12),
    ("WL-DC-001", "产品资质文件汇编", "document", "含注册证、检验报告", "套", False, 10),
]
# code: [(quantity, unit cost, batch, days until it expires)] received 60 and 20 days ago
RECEIVED = {
    "WL-BR-001": [(1000, "0.85", "", None), (500, "0.92", "", None)],
    "WL-BR-002": [(300, "3.20", "", None)],
    "WL-BR-003": [(80, "28.00", "", None)],
    "WL-SP-001": [(60, "12.50", "A2405", 25), (120, "12.80", "A2411", 400)],
    "WL-SP-002": [(100, "15.00", "B2408", 300)],
    "WL-SP-003": [(40, "9.60", "C2409", 200)],
    "WL-GF-001": [(50, "36.00", "", None)],
    "WL-GF-002": [(400, "4.50", "", None)],
    "WL-BC-001": [(5, "45.00", "", None)],
    "WL-PK-001": [(200, "2.10", "", None)],
    "WL-OF-001": [(8, "26.00", "", None)],
    "WL-DC-001": [(30, "15.00", "", None)],
}


def _release(issue, *reviewers) -> None:
    for reviewer in reviewers:
        review_decide(request=review_request_for(issue), by=reviewer, verdict="approve")


def demo_materials() -> None:
    if MaterialItem.objects.exists():
        return
    people = {u.username: u for u in User.objects.filter(is_active=True)}
    clerk, clerk2, keeper = people["clerk"], people["clerk2"], people["warehouse"]
    rep_wang, rep_li = people["rep_wang"], people["rep_li"]
    today = timezone.localdate()
    items = {
        code: item_save(
            by=clerk,
            code=code,
            name=name,
            kind=kind,
            specification=spec,
            unit=unit,
            is_batch_tracked=batches,
            reorder_level=Decimal(reorder),
        )
        for code, name, kind, spec, unit, batches, reorder in ITEMS
    }
    warehouse = location_create(by=clerk, code="WH-01", name="总部物料仓", kind="warehouse")
    office = location_create(by=clerk, code="OF-01", name="销售内勤办公室", kind="office")
    for step, days_ago in enumerate((60, 20)):
        day = today - timedelta(days=days_ago)
        lines = []
        for code, rows in RECEIVED.items():
            if step >= len(rows):
                continue
            quantity, unit_cost, batch, expires_in = rows[step]
            lines.append(
                {
                    "item": items[code],
                    "quantity": Decimal(quantity),
                    "unit_cost": Decimal(unit_cost),
                    "batch": batch,
                    "expires_on": today + timedelta(days=expires_in) if expires_in else None,
                }
            )
        with demo_clock(day):
            receipt_create(
                by=keeper,
                location=warehouse,
                received_on=day,
                supplier="上海印象印务有限公司" if step == 0 else "样品及礼品供应商",
                lines=lines,
            )
    with demo_clock(today - timedelta(days=19)):
        receipt_create(
            by=clerk,
            location=office,
            supplier="办公用品商城",
            lines=[
                {
                    "item": items["WL-BR-001"],
                    "quantity": Decimal(100),
                    "unit_cost": Decimal("0.90"),
                },
                {"item": items["WL-OF-001"], "quantity": Decimal(2), "unit_cost": Decimal("26.00")},
            ],
        )
    customers = list(Customer.objects.filter(status="active").order_by("pk")[:6])
    north = [c for c in customers if c.owner_id == rep_wang.pk] or customers

    def ask(by, day, **kwargs):
        with demo_clock(day):
            return issue_create(by=by, **kwargs)

    def submit(issue, day, reviewers=()):
        with demo_clock(day):
            issue_submit(issue=issue, by=issue.owner)
            _release(issue, *reviewers)
        return issue

    # samples lent to a customer: one back in full, one partly, one overdue
    lent_day = today - timedelta(days=30)
    for n, customer in enumerate(north[:3]):
        issue = ask(
            rep_wang,
            lent_day,
            location=warehouse,
            purpose="customer",
            customer=customer,
            due_back_on=lent_day + timedelta(days=14 + 7 * n),
            lines=[{"item": items["WL-SP-002"], "quantity": Decimal(6)}],
            note="试用样品，用后归还",
        )
        submit(issue, lent_day, (clerk, keeper))
        line = issue.lines.get()
        if n == 0:
            with demo_clock(lent_day + timedelta(days=12)):
                issue_return(issue=issue, by=keeper, lines=[{"line": line.pk, "quantity": 6}])
        elif n == 1:
            with demo_clock(lent_day + timedelta(days=18)):
                issue_return(issue=issue, by=keeper, lines=[{"line": line.pk, "quantity": 2}])
    # samples into the reps' bags
    for rep, days_ago in ((rep_wang, 15), (rep_li, 12)):
        day = today - timedelta(days=days_ago)
        issue = ask(
            clerk,
            day,
            location=warehouse,
            purpose="rep",
            recipient=rep,
            lines=[
                {"item": items["WL-SP-001"], "quantity": Decimal(10)},
                {"item": items["WL-BR-001"], "quantity": Decimal(100)},
            ],
            note="拜访用样品及彩页",
        )
        submit(issue, day, (clerk2, keeper))
    # brochures and gifts to customers, released
    for n, customer in enumerate(north[:3]):
        day = today - timedelta(days=10 - n)
        issue = ask(
            rep_wang,
            day,
            location=warehouse,
            purpose="customer",
            customer=customer,
            lines=[
                {"item": items["WL-BR-002"], "quantity": Decimal(20)},
                {"item": items["WL-GF-002"], "quantity": Decimal(10)},
            ],
            note="科室会资料",
        )
        submit(issue, day, (clerk, keeper))
    # for an event, from the office
    day = today - timedelta(days=3)
    issue = ask(
        clerk2,
        day,
        location=office,
        purpose="event",
        reference="华北区学术推广会",
        lines=[{"item": items["WL-BR-001"], "quantity": Decimal(50)}],
    )
    submit(issue, day, (clerk, keeper))
    # in review: one approval of two, and one waiting for both
    issue = ask(
        rep_li,
        today - timedelta(days=1),
        location=warehouse,
        purpose="customer",
        customer=customers[-1],
        lines=[
            {"item": items["WL-GF-001"], "quantity": Decimal(5)},
            {"item": items["WL-BR-003"], "quantity": Decimal(5)},
        ],
        note="年终客户拜访礼品",
    )
    submit(issue, today - timedelta(days=1), (clerk,))
    issue = ask(
        rep_wang,
        today,
        location=warehouse,
        purpose="customer",
        customer=north[0],
        lines=[{"item": items["WL-SP-003"], "quantity": Decimal(4)}],
    )
    submit(issue, today)
    # sent back by a reviewer, a draft, a cancelled draft
    issue = ask(
        rep_wang,
        today - timedelta(days=2),
        location=warehouse,
        purpose="internal",
        lines=[{"item": items["WL-OF-001"], "quantity": Decimal(5)}],
    )
    with demo_clock(today - timedelta(days=2)):
        issue_submit(issue=issue, by=rep_wang)
        review_decide(
            request=review_request_for(issue),
            by=keeper,
            verdict="reject",
            note="办公用品请由内勤统一领用",
        )
    ask(
        rep_li,
        today,
        location=warehouse,
        purpose="delivery",
        reference="随货资料",
        lines=[{"item": items["WL-DC-001"], "quantity": Decimal(2)}],
    )
    cancelled = ask(
        rep_wang,
        today - timedelta(days=5),
        location=warehouse,
        purpose="internal",
        lines=[{"item": items["WL-PK-001"], "quantity": Decimal(10)}],
    )
    with demo_clock(today - timedelta(days=5)):
        issue_cancel(issue=cancelled, by=rep_wang, reason="改为快递公司提供纸箱")
    # the office counted yesterday: two brochures missing, approved by the sales manager
    with demo_clock(today - timedelta(days=1), start=time(17, 0)):
        stocktake = stocktake_start(by=clerk2, location=office, note="月末盘点")
        stocktake_count(
            stocktake=stocktake,
            by=clerk2,
            counts=[
                {
                    "item": line.item,
                    "batch": line.batch,
                    "counted": line.expected - (2 if n == 0 else 0),
                }
                for n, line in enumerate(stocktake.lines.select_related("item"))
            ],
        )
        stocktake_submit(stocktake=stocktake, by=clerk2)
        _release(stocktake, people["sales_manager"])
    # printing: last month's reprint received into the warehouse, this week's cards ordered
    with demo_clock(today - timedelta(days=9)):
        job = printing_order(
            by=clerk,
            item=items["WL-BR-002"],
            supplier="上海印象印务有限公司",
            quantity=Decimal(500),
            cost=Decimal("1580.00"),
            note="新版手册再版",
        )
    with demo_clock(today - timedelta(days=4)):
        printing_receive(job=job, by=keeper, location=warehouse)
    with demo_clock(today - timedelta(days=2)):
        printing_order(
            by=clerk,
            item=items["WL-BC-001"],
            supplier="快印通名片店",
            quantity=Decimal(2),
            cost=Decimal("90.00"),
            for_whom="王磊",
            expected_on=today + timedelta(days=3),
        )
