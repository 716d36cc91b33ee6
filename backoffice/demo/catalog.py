"""Demo catalog: medicines and devices with categories and two sales policies."""

from datetime import date
from decimal import Decimal

from backoffice.catalog.models import PriceList, PriceListItem, Product, ProductCategory
from backoffice.catalog.services import product_save
from backoffice.core.money import round_amount

CATEGORIES = [
    ("anti-infective", "抗感染药"),
    ("analgesic", "解热镇痛药"),
    ("cardio", "心血管用药"),
    ("device", "医疗器械"),
    ("diagnostic", "检测耗材"),
]
PRODUCTS = [
    ("P0001", "阿莫西林胶囊", "0.25g×24粒", "盒", "anti-infective", "0.13", "18.50"),
    ("P0002", "头孢克肟胶囊", "0.1g×12粒", "盒", "anti-infective", "0.13", "32.80"),
    ("P0003", "左氧氟沙星片", "0.5g×6片", "盒", "anti-infective", "0.13", "26.00"),
    ("P0004", "阿奇霉素分散片", "0.25g×6片", "盒", "anti-infective", "0.13", "29.90"),
    ("P0005", "布洛芬缓释胶囊", "0.3g×20粒", "盒", "analgesic", "0.13", "25.00"),
    ("P0006", "对乙酰氨基酚片", "0.5g×20片", "盒", "analgesic", "0.13", "9.80"),
    ("P0007", "复方丹参滴丸", "27mg×180丸", "瓶", "cardio", "0.13", "45.00"),
    ("P0008", "阿托伐他汀钙片", "20mg×7片", "盒", "cardio", "0.13", "38.60"),
    ("P0009", "硝苯地平控释片", "30mg×7片", "盒", "cardio", "0.13", "33.20"),
    ("P0010", "苯磺酸氨氯地平片", "5mg×28片", "盒", "cardio", "0.13", "27.50"),
    ("P0011", "医用外科口罩", "50只/盒", "盒", "device", "0.13", "35.00"),
    ("P0012", "一次性使用输液器", "带针 0.7mm", "支", "device", "0.13", "2.60"),
    ("P0013", "一次性使用注射器", "5ml", "支", "device", "0.13", "0.85"),
    ("P0014", "医用电子体温计", "MT-101", "支", "device", "0.13", "29.00"),
    ("P0015", "血糖试纸", "50片/盒", "盒", "diagnostic", "0.13", "68.00"),
    ("P0016", "新冠抗原检测试剂盒", "1人份", "盒", "diagnostic", "0.13", "6.50"),
    ("P0017", "尿液分析试纸", "100条/瓶", "瓶", "diagnostic", "0.13", "42.00"),
    ("P0018", "维生素C片", "0.1g×100片", "瓶", "analgesic", "0.13", "5.50"),
]


# Makers and approval numbers (批准文号 of drugs, 注册证号 of devices) for the delivery notes.
MAKERS = {
    "anti-infective": "华北制药股份有限公司",
    "analgesic": "中美天津史克制药有限公司",
    "cardio": "天士力医药集团股份有限公司",
    "device": "山东威高集团医用高分子制品股份有限公司",
    "diagnostic": "三诺生物传感股份有限公司",
}


def _approval(code: str, category: str) -> str:
    serial = int(code[1:])
    if category in {"device", "diagnostic"}:
        return f"国械注准2021{3140000 + serial * 37}"
    return f"国药准字H{13020000 + serial * 731}"


def demo_catalog(*, by) -> None:
    categories = {}
    for code, name in CATEGORIES:
        categories[code] = ProductCategory.objects.get_or_create(
            code=code, defaults={"name": name}
        )[0]
    for code, name, spec, unit, category, vat, price in PRODUCTS:
        if not Product.objects.filter(code=code).exists():
            product_save(
                by=by,
                code=code,
                name=name,
                specification=spec,
                unit=unit,
                category=categories[category],
                vat_rate=Decimal(vat),
                list_price=Decimal(price),
                manufacturer=MAKERS[category],
                approval_number=_approval(code, category),
            )
    if PriceList.objects.exists():
        return
    hospitals = PriceList.objects.create(
        name="2026 医院采购价", customer_kind="hospital", valid_from=date(2026, 1, 1)
    )
    distributors = PriceList.objects.create(
        name="2026 经销商供货价", customer_kind="distributor", valid_from=date(2026, 1, 1)
    )
    for product in Product.objects.all():
        PriceListItem.objects.create(
            price_list=hospitals,
            product=product,
            unit_price=round_amount(product.list_price * Decimal("0.95")),
        )
        PriceListItem.objects.create(
            price_list=distributors,
            product=product,
            unit_price=round_amount(product.list_price * Decimal("0.80")),
        )
