"""Demo customers: about 300 across regions and kinds, with papers in every state."""

import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.cn import uscc

from backoffice.accounts.models import Region, User
from backoffice.catalog.models import Product
from backoffice.demo.clock import demo_clock
from backoffice.parties.models import Customer, QualificationRequirement
from backoffice.parties.services import (
    address_create,
    call_record,
    contact_create,
    customer_create,
    feedback_answer,
    feedback_close,
    feedback_create,
    feedback_start,
    qualification_create,
    qualification_submit,
    qualifications_expiry_run,
    visit_record,
)
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

CITIES = {
    "north": ["北京", "天津", "石家庄", "太原", "呼和浩特", "唐山"],
    "east": ["上海", "南京", "杭州", "济南", "合肥", "福州", "苏州"],
    "south": ["广州", "深圳", "南宁", "海口", "厦门", "佛山"],
    "central": ["武汉", "长沙", "郑州", "南昌", "宜昌"],
    "southwest": ["重庆", "成都", "昆明", "贵阳", "绵阳"],
    "northwest": ["西安", "兰州", "银川", "西宁", "乌鲁木齐"],
}
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "曾", "单", "郑", "孙"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超"]
TITLES = ["药剂科主任", "采购主管", "设备科科长", "总经理", "财务经理", "店长"]
STREETS = ["人民路", "解放路", "中山路", "建设路", "长江路", "和平街", "滨江大道"]
BANKS = ["中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "招商银行", "交通银行"]
PDF = b"%PDF-1.4\n% Back Office demo scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _name(rng: random.Random, kind: str, city: str, index: int) -> str:
    if kind == "hospital":
        return rng.choice(
            [
                f"{city}市第{index % 9 + 1}人民医院",
                f"{city}市中医医院",
                f"{city}大学附属医院",
                f"{city}市妇幼保健院",
                f"{city}{rng.choice(['仁和', '博爱', '康复', '同济'])}医院",
            ]
        )
    if kind == "distributor":
        return f"{city}{rng.choice(['国药', '华润', '九州通', '康联', '海王'])}医药有限公司"
    if kind == "pharmacy":
        return f"{city}{rng.choice(SURNAMES)}氏{rng.choice(['大药房', '康健药店', '益民药房'])}"
    if kind == "enterprise":
        return f"{city}{rng.choice(['恒康', '瑞祥', '天元', '嘉禾'])}生物科技有限公司"
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _tax_id(rng: random.Random) -> str:
    while True:
        body = (
            "9111"
            + "".join(rng.choice("0123456789") for _ in range(4))
            + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        )
        candidate = body + uscc.calc_check_digit(body)
        if uscc.is_valid(candidate):
            return candidate


def _person(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    )


def _paper(rng, customer, paper_type, owner, state, today, clerks):
    if state == "missing":
        return
    if state == "expired":
        valid_from, valid_to = (
            today - timedelta(days=1100),
            today - timedelta(days=rng.randint(1, 60)),
        )
    elif state == "expiring":
        valid_from, valid_to = (
            today - timedelta(days=1000),
            today + timedelta(days=rng.randint(5, 80)),
        )
    else:
        valid_from = today - timedelta(days=rng.randint(100, 900))
        valid_to = today + timedelta(days=rng.randint(200, 1500))
    paper = qualification_create(
        customer=customer,
        by=owner,
        qualification_type=paper_type,
        number=f"{customer.region.code[:2].upper()}{rng.randint(10**9, 10**10 - 1)}",
        issuer=f"{customer.name[:2]}市市场监督管理局",
        valid_from=valid_from,
        valid_to=valid_to,
        scan=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
    )
    if state in {"pending", "expired"}:
        return
    qualification_submit(qualification=paper, by=owner)
    review = review_request_for(paper)
    first, second = rng.sample(clerks, 2)
    if state == "in_review":
        if rng.random() < 0.5:
            review_decide(request=review, by=first, verdict="approve")
        return
    if state == "rejected":
        review_decide(request=review, by=first, verdict="reject", note="扫描件不清晰，请重新上传")
        return
    review_decide(request=review, by=first, verdict="approve")
    review_decide(request=review, by=second, verdict="approve")


DEMANDS = [
    "冬季呼吸道用药需求上升",
    "带量采购后价格压力大",
    "希望增加小规格包装",
    "新院区开业，需求增加",
]
COMPLAINTS = [
    ("complaint", "到货外箱破损两件"),
    ("inquiry", "询问新规格的供货价"),
    ("quality", "批号 2611 的包装印刷模糊"),
    ("suggestion", "希望提供电子版对账单"),
]


def _products() -> list:
    return list(Product.objects.filter(is_active=True).order_by("code")[:12])


def _activity(rng, customer, owner, clerks) -> None:
    """Calls, visits and feedback of the last months, so the file and to-dos have content."""
    now = timezone.now()
    for _ in range(rng.randint(0, 4)):
        called_at = now - timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 8))
        with demo_clock(timezone.localdate(called_at)):  # written down the day of the call
            call_record(
                customer=customer,
                by=owner,
                called_at=called_at,
                business_status=rng.choice(["经营正常", "门诊量回升", "库存偏高", "回款略慢"]),
                market_demand=rng.choice(DEMANDS),
                competitor_notes=rng.choice(["", "竞品降价 5%", "竞品新进医保目录"]),
                inventory=[(p, str(rng.randint(0, 300))) for p in rng.sample(_products(), 2)],
            )
    if rng.random() < 0.3:
        kind = rng.choice(["visit", "visit", "reception"])
        visited_on = timezone.localdate() - timedelta(days=rng.randint(1, 90))
        with demo_clock(visited_on):
            visit_record(
                customer=customer,
                by=owner,
                kind=kind,
                visited_on=visited_on,
                purpose=rng.choice(["年度合作洽谈", "新品介绍", "对账与回款沟通", "参观生产基地"]),
                outcome="达成初步意向",
            )
    if rng.random() < 0.12:
        kind, text = rng.choice(COMPLAINTS)
        ticket = feedback_create(
            customer=customer,
            by=rng.choice(clerks),
            type=kind,
            description=text,
            priority=rng.choice(["urgent", "high", "normal", "low"]),
        )
        step = rng.random()
        if step > 0.4:
            feedback_start(feedback=ticket, by=owner)
        if step > 0.6:
            feedback_answer(feedback=ticket, by=owner, response="已与客户沟通并安排处理")
        if step > 0.8:
            feedback_close(feedback=ticket, by=owner, resolution="客户确认问题已解决")


STATES = (
    ["verified"] * 12
    + ["expiring"] * 2
    + ["in_review"] * 2
    + ["pending", "rejected"]
    + [
        "expired",
        "missing",
    ]
)
KINDS = ["hospital"] * 4 + ["distributor"] * 2 + ["pharmacy"] * 3 + ["enterprise", "individual"]


def demo_customers(*, count: int = 300) -> int:
    """Create the demo customers that are missing (codes D0001…); returns how many were new."""
    rng = random.Random(2026)
    today = timezone.localdate()
    regions = {r.code: r for r in Region.objects.all()}
    reps = {
        code: list(User.objects.filter(groups__name="rep", regions__code=code)) for code in CITIES
    }
    clerks = list(User.objects.filter(groups__name="clerk", is_active=True))
    fallback_owner = User.objects.get(username="clerk")
    required = {}
    for requirement in QualificationRequirement.objects.select_related("qualification_type"):
        required.setdefault(requirement.kind, []).append(requirement.qualification_type)
    created = 0
    for index in range(1, count + 1):
        region_code = list(CITIES)[index % len(CITIES)]
        kind = rng.choice(KINDS)
        city = rng.choice(CITIES[region_code])
        name = _name(rng, kind, city, index)
        code = f"D{index:04d}"
        states = [rng.choice(STATES) for _ in required.get(kind, [])]
        tax_id = _tax_id(rng) if kind != "individual" else ""
        grade = rng.choice("AABBBC")
        if Customer.objects.filter(code=code).exists():
            continue
        owner = rng.choice(reps[region_code]) if reps.get(region_code) else fallback_owner
        # Customers were taken on over the year before the demo's orders begin.
        with demo_clock(today - timedelta(days=370 + count - index)):
            customer = customer_create(
                # the back office takes a customer on with its terms (issue 15 §3): a rep
                # may not set a credit limit or payment terms
                by=rng.choice(clerks) if clerks else None,
                confirm_duplicate_name=True,  # a city has several 大学附属医院: told apart by code
                code=code,
                name=name,
                kind=kind,
                grade=grade,
                region=regions[region_code],
                owner=owner,
                status=rng.choice(["active"] * 8 + ["prospect", "suspended"]),
                credit_limit=rng.choice(["50000.00", "200000.00", "500000.00", "1000000.00"]),
                payment_terms_days=rng.choice([30, 60, 90]),
                legal_name=name if kind != "individual" else "",
                tax_id=tax_id,
                address=f"{city}市{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                phone=f"0{rng.randint(10, 99)}-{rng.randint(60000000, 89999999)}",
                bank_name=rng.choice(BANKS) + f"{city}分行",
                bank_account=str(rng.randint(10**15, 10**16 - 1)),
                invoice_type=rng.choice(["special_vat", "special_vat", "ordinary", "digital"]),
            )
            contact_create(
                customer=customer,
                by=owner,
                name=_person(rng),
                title=rng.choice(TITLES),
                phone=f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}",
                is_primary=True,
            )
            address_create(
                customer=customer,
                by=owner,
                label="仓库",
                recipient=_person(rng),
                phone=f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}",
                address=customer.address,
                is_default=True,
            )
            _second_address(customer, owner)
            for paper_type, state in zip(required.get(kind, []), states, strict=True):
                _paper(rng, customer, paper_type, owner, state, today, clerks)
        _activity(rng, customer, owner, clerks)
        created += 1
    qualifications_expiry_run(today=today)
    return created


def _second_address(customer, owner) -> None:
    """Some customers receive goods at a second place (a pharmacy, a branch): the delivery
    chooses. Its own random stream, so the rest of the demo stays as it was."""
    rng = random.Random(f"address-{customer.code}")
    if rng.random() < 0.5:
        return
    address_create(
        customer=customer,
        by=owner,
        label=rng.choice(["门诊药房", "住院药房", "分店", "二号仓库"]),
        recipient=_person(rng),
        phone=f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}",
        address=f"{customer.address}（{rng.choice(['东院区', '西院区', '北门', '南区'])}）",
    )
