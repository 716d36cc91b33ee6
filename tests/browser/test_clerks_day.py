"""A clerk's day in Chinese, through the pages only (issue 14, "Done when").

On a fresh database holding only the master data (users, regions, products, the namesake
customer of step 1), the people of the company work through one day in the browser:

1. the clerk adds a customer whose name another customer has (warned, saved as a branch),
   with two delivery addresses, and adds its business licence paper from its page;
2. she enters two orders for it: the audit would refuse them (the licence is not verified
   yet), the sales manager overrides the checks on screen with a reason, the audit completes;
   the licence is verified by two other clerks;
3. she delivers part of the first order (and the second) to the address chosen; two other
   clerks review each delivery; the warehouse ships them entering batch and expiry;
4. she requests one invoice merging both orders, choosing lines and quantities; it is
   audited and issued with its code; finance asks for a red letter for part of it, which
   two clerks approve in their review queue;
5. finance enters a receipt allocated from the open invoices' rows, leaving credit, and
   applies part of the credit later;
6. the customer's statement for a period (the period picker);
7. the sales report by region and product, with names, in Excel and PDF.

At the end, the dashboard's receivables tile, the aging total, the statement's closing
balance plus the customer's credit, and account 1122 of the general ledger agree to the cent.
Every page the day visits is read for raw text with the Chinese walk's checker.
"""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from backoffice.accounts.services import user_create
from backoffice.ledger.models import Receipt
from backoffice.parties.models import Customer, Qualification
from backoffice.parties.services import customer_create
from backoffice.parties.tests.conftest import VALID_USCC
from backoffice.reviews.models import ReversalRequest
from backoffice.sales.models import Delivery, Invoice, SalesOrder
from conftest import PASSWORD
from tests.browser.conftest import SCREENSHOTS, csp_page
from tests.browser.test_chinese_walk import PAGE_TEXT_JS, findings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSPITAL = "北京大学附属医院"
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _person(username: str, role: str, full_name: str, regions=()):
    return user_create(
        username=username,
        role=role,
        region_codes=list(regions),
        password=PASSWORD,
        full_name=full_name,
        validate_password_strength=False,
    )


class Day:
    """The browser of the day: one page, whoever is logged in; every page read for raw text."""

    def __init__(self, page, live_server):
        self.page, self.url = page, live_server.url
        self.raw: dict[str, list[str]] = {}
        self.pages_read = 0
        self.shots = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("day-*.png"):  # a shorter day leaves none of the last
            old.unlink()

    def login(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.page.goto(f"{self.url}/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.get_by_test_id("dashboard").wait_for()
        self.read()

    def go(self, path: str) -> None:
        response = self.page.goto(f"{self.url}{path}")
        assert response is not None and response.status < 400, f"{path}: {response.status}"
        self.read()

    def read(self) -> None:
        """The Chinese walk's checks on the page as it is now."""
        self.page.wait_for_load_state()
        self.pages_read += 1
        found = findings(self.page.evaluate(PAGE_TEXT_JS))
        if found:
            path = self.page.url.removeprefix(self.url)
            known = self.raw.setdefault(path, [])
            known.extend(f for f in found if f not in known)

    def shot(self, name: str) -> None:
        self.shots += 1
        self.page.screenshot(
            path=str(SCREENSHOTS / f"day-{self.shots:02d}-{name}.png"), full_page=True
        )

    def pick(self, select_id: str, search: str, option: str) -> None:
        """Choose in an autocomplete picker (select2) by typing, as people do; then see the
        choice shown in the picker (on a loaded machine the results of an earlier search can
        be redrawn under the click: the choice is made again, as a person would)."""
        chosen = self.page.locator(
            f"#{select_id} + .select2 .select2-selection__rendered", has_text=option
        )
        for attempt in range(3):
            self.page.locator(f"#{select_id} + .select2 .select2-selection").click()
            self.page.locator(".select2-container--open .select2-search__field").fill(search)
            self.page.locator(".select2-results__option.loading-results").wait_for(state="detached")
            self.page.locator(".select2-results__option", has_text=option).first.click()
            try:
                chosen.wait_for(timeout=5_000)
                return
            except PlaywrightTimeout:
                if attempt == 2:
                    raise AssertionError(f"{option} could not be chosen in {select_id}") from None

    def shown(self, test_id: str):
        """The element a save leads to; if it never comes, the page's errors say why."""
        element = self.page.get_by_test_id(test_id)
        try:
            element.wait_for(timeout=30_000)
        except PlaywrightTimeout:
            errors = self.page.locator(".errornote, .errorlist, [role=alert]").all_inner_texts()
            raise AssertionError(
                f"{test_id} not shown on {self.page.url.removeprefix(self.url)}"
                f" ({self.page.title()}): {errors}"
            ) from None
        return element

    def approve(self) -> None:
        self.page.get_by_test_id("review-decide").get_by_role("button", name="通过").click()
        self.page.wait_for_load_state()
        self.read()

    def step(self, name: str, button: str) -> None:
        self.page.get_by_test_id(f"step-{name}").get_by_role("button", name=button).click()
        self.page.wait_for_load_state()
        self.read()


def _amount(text: str) -> Decimal:
    """A figure as a page shows it (¥1,234.56, -39.01)."""
    match = re.search(r"-?[\d,]+\.\d{2}", text)
    assert match, f"no amount in {text!r}"
    return Decimal(match.group(0).replace(",", ""))


@pytest.fixture
def zh(browser):
    context, page, violations = csp_page(browser, "zh-CN", accept_downloads=True)
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def people(clerk, rep_wang, finance, products, region_north):
    """The users of the day, with passwords; the products; the namesake of step 1."""
    return {
        "clerk2": _person("clerk2", "clerk", "周敏"),
        "clerk3": _person("clerk3", "clerk", "吴芳"),
        "smgr": _person("smgr", "sales_manager", "赵强"),
        "warehouse": _person("warehouse", "warehouse", "钱库管"),
        "namesake": customer_create(
            by=rep_wang,
            name=HOSPITAL,
            kind="hospital",
            region=region_north,
            tax_id=VALID_USCC[0],
            address="北京市海淀区学院路38号",
        ),
    }


def test_a_clerks_day_in_chinese(
    live_server, zh, people, clerk, rep_wang, region_north, products, carrier
):
    day = Day(zh, live_server)
    page = zh
    today = timezone.localdate()
    namesake = people["namesake"]

    # 1. A customer with a duplicate name, saved as a branch, with two addresses -----------
    day.login("clerk")
    day.go("/parties/customer/add/")
    page.fill("input[name=name]", HOSPITAL)
    page.select_option("select[name=kind]", "hospital")
    page.select_option("select[name=region]", str(region_north.pk))
    page.fill("input[name=address]", "北京市西城区西什库大街8号")
    page.fill("input[name=credit_limit]", "100000")
    page.evaluate(
        "([pk, name]) => { const s = document.querySelector('select[name=owner]');"
        " s.add(new Option(name, pk, true, true)); s.value = pk; }",
        [str(rep_wang.pk), rep_wang.full_name],
    )
    addresses = page.locator("#addresses-group")
    for index, (label, recipient, phone, address) in enumerate(
        [
            ("总院库房", "王主任", "13800000001", "北京市西城区西什库大街8号"),
            ("门诊药房", "李药师", "13800000002", "北京市西城区西什库大街8号门诊楼"),
        ]
    ):
        addresses.locator(".add-row").click()
        page.fill(f"input[name=addresses-{index}-label]", label)
        page.fill(f"input[name=addresses-{index}-recipient]", recipient)
        page.fill(f"input[name=addresses-{index}-phone]", phone)
        page.fill(f"input[name=addresses-{index}-address]", address)
    page.locator("button[name=_continue]").click()
    day.shown("duplicate-customer-link")
    assert "已有同名客户" in page.content()
    day.read()
    day.shot("namesake-warning")
    page.get_by_label("这是另一家客户（分支机构），仍然保存").check()
    page.locator("button[name=_continue]").click()
    day.shown("customer-file")
    day.read()
    customer = Customer.objects.exclude(pk=namesake.pk).get(name=HOSPITAL)
    assert customer.addresses.count() == 2
    picker_label = f"{HOSPITAL} · {customer.code}"

    # ... and its papers: from its page's tab, the list of its papers, a new one.
    page.locator("a[href='#dataset-papers']").click()
    page.get_by_test_id("customer-tab-papers").get_by_test_id("customer-tab-more").click()
    page.wait_for_url("**/parties/qualification/**")
    day.read()
    page.locator("a[href*='/parties/qualification/add/']").first.click()
    page.wait_for_url("**/parties/qualification/add/**")
    day.read()
    day.pick("id_customer", HOSPITAL, picker_label)
    page.select_option("select[name=qualification_type]", label="营业执照")
    page.fill("input[name=number]", "91110102MA00DAY01X")
    page.fill("input[name=issuer]", "北京市西城区市场监督管理局")
    page.fill("input[name=valid_from]", "2024-01-01")
    page.fill("input[name=valid_to]", "2029-12-31")
    page.set_input_files(
        "input[name=scan]",
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF},
    )
    page.locator("button[name=_continue]").click()
    day.shown("review-submit")
    day.read()
    paper = Qualification.objects.get(customer=customer)
    page.get_by_test_id("review-submit").click()
    page.get_by_text("已提交审核。").wait_for()
    day.read()
    day.shot("paper-submitted")

    # 2. Two orders; the audit would refuse them: the licence is not verified yet ---------
    orders = []
    for lines in ([(products[0], "10"), (products[1], "4")], [(products[1], "5")]):
        day.go("/sales/salesorder/add/")
        day.pick("id_customer", HOSPITAL, picker_label)
        for index, (product, quantity) in enumerate(lines):
            if index:
                page.locator("#lines-group .add-row").click()
            day.pick(f"id_lines-{index}-product", product.name, product.name)
            page.fill(f"input[name=lines-{index}-quantity]", quantity)
        page.locator("button[name=_continue]").click()
        warning = day.shown("order-warning")
        assert "审核将拒绝此订单" in warning.inner_text()
        assert "营业执照" in warning.inner_text()
        day.read()
        if not orders:
            day.shot("order-blocked-warning")
        page.get_by_test_id("review-submit").click()
        page.get_by_text("已提交审核。").wait_for()
        day.read()
        orders.append(SalesOrder.objects.order_by("-pk").first())
    first_order, second_order = orders
    assert [o.gross_amount for o in orders] == [Decimal("318.32"), Decimal("166.65")]

    # The sales manager lets both through on their pages, saying why.
    day.login("smgr")
    for order in orders:
        day.go(f"/sales/salesorder/{order.pk}/change/")
        step = page.get_by_test_id("step-override")
        step.locator("textarea").fill("营业执照已上传，正在复核；院方急需，同意先行审核")
        if order == first_order:
            day.shot("order-override")
        step.get_by_role("button", name="覆盖检查").click()
        page.get_by_text("已覆盖检查：审核可以继续。").wait_for()
        day.read()

    # The audit completes; the licence paper gets its two reviews.
    day.login("clerk2")
    for order in orders:
        day.go(f"/sales/salesorder/{order.pk}/change/")
        day.approve()
        page.get_by_text("已通过。").wait_for()
    day.shot("order-approved")
    day.go(f"/parties/qualification/{paper.pk}/change/")
    day.approve()
    day.login("clerk3")
    day.go(f"/parties/qualification/{paper.pk}/change/")
    day.approve()
    paper.refresh_from_db()
    for order in orders:
        order.refresh_from_db()
    assert paper.status == Qualification.Status.VERIFIED
    assert [o.status for o in orders] == [SalesOrder.Status.APPROVED] * 2
    assert first_order.block_override_by == people["smgr"]

    # 3. A partial delivery to the chosen address (and the second order's) ---------------
    pharmacy = customer.addresses.get(label="门诊药房")
    day.login("clerk")
    first_lines = list(first_order.lines.order_by("line_no"))
    (second_line,) = second_order.lines.all()
    for order, quantities in (
        (first_order, {first_lines[0]: "6", first_lines[1]: "0"}),
        (second_order, {second_line: "5"}),
    ):
        day.go(f"/sales/salesorder/{order.pk}/change/")
        step = page.get_by_test_id("step-deliver")
        assert "收货地址" in step.inner_text()
        for line, quantity in quantities.items():
            page.fill(f"#id_deliver_qty_{line.pk}", quantity)
        page.select_option("#id_deliver_address", str(pharmacy.pk))
        if order == first_order:
            day.shot("delivery-partial")
        step.get_by_role("button", name="创建发货单").click()
        page.wait_for_url(f"{live_server.url}/sales/delivery/*/change/")
        assert "北京市西城区西什库大街8号门诊楼" in page.content()
        day.read()
        page.get_by_test_id("review-submit").click()
        page.get_by_text("已提交审核。").wait_for()
        day.read()
    deliveries = list(Delivery.objects.order_by("pk"))
    assert [d.ship_to for d in deliveries] == [pharmacy, pharmacy]
    for reviewer in ("clerk2", "clerk3"):
        day.login(reviewer)
        for delivery in deliveries:
            day.go(f"/sales/delivery/{delivery.pk}/change/")
            day.approve()
    day.login("warehouse")
    expiry = today + timedelta(days=700)
    for number, delivery in enumerate(deliveries, start=1):
        day.go(f"/sales/delivery/{delivery.pk}/change/")
        ship = page.get_by_test_id("step-shipped")
        for line in delivery.lines.all():
            page.fill(f"#id_shipped_batch_{line.pk}", f"B2611{number:02d}")
            page.fill(f"#id_shipped_expiry_{line.pk}", expiry.isoformat())
        page.select_option("#id_shipped_carrier", str(carrier.pk))  # 顺丰速运, by express
        page.fill("#id_shipped_tracking_number", f"SF12345678{number:02d}")
        if number == 1:
            day.shot("delivery-ship")
        ship.get_by_role("button", name="标记已发出").click()
        page.get_by_text("已保存").first.wait_for()
        day.read()
    for delivery in deliveries:
        delivery.refresh_from_db()
    assert [d.status for d in deliveries] == ["shipped", "shipped"]
    shipped = deliveries[0].lines.get()
    assert (shipped.quantity, shipped.batch_number, shipped.expires_on) == (6, "B261101", expiry)
    day.go(f"/sales/delivery/{deliveries[0].pk}/print/")
    note = page.get_by_test_id("note-lines").inner_text()
    assert "B261101" in note and expiry.isoformat() in note
    day.shot("delivery-note")

    # 4. One invoice request merging both orders, of chosen lines and quantities ----------
    day.login("clerk")
    day.go(f"/sales/salesorder/{first_order.pk}/change/")
    step = page.get_by_test_id("step-invoice")
    assert page.locator(f"#id_invoice_qty_{first_lines[0].pk}").input_value() == "6"
    page.fill(f"#id_invoice_qty_{second_line.pk}", "3")  # 3 of the 5 of the other order
    day.shot("invoice-request-merge")
    step.get_by_role("button", name="申请开票").click()
    page.wait_for_url(f"{live_server.url}/sales/invoice/*/change/")
    day.read()
    invoice = Invoice.objects.get()
    assert invoice.gross_amount == Decimal("210.99")  # 6 × 18.50 + 3 × 33.33
    page.get_by_test_id("review-submit").click()
    page.get_by_text("已提交审核。").wait_for()
    day.read()
    day.login("clerk2")
    day.go(f"/sales/invoice/{invoice.pk}/change/")
    day.approve()
    day.login("finance")
    day.go(f"/sales/invoice/{invoice.pk}/change/")
    day.approve()
    page.select_option("#id_issue_invoice_type", "ordinary")  # paper: it has a code
    page.fill("#id_issue_invoice_code", "011002600111")
    page.fill("#id_issue_invoice_number", "20261130")
    page.fill("#id_issue_issued_on", today.isoformat())
    day.step("issue", "已开票")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.vat_invoice_code) == ("issued", "011002600111")
    day.shot("invoice-issued")
    # ... then a partial red letter: 2 of the 6 capsules were returned.
    reverse = page.get_by_test_id("step-reverse")
    assert page.locator(f"#id_reverse_qty_{second_line.pk}").input_value() == "3"
    page.fill(f"#id_reverse_qty_{first_lines[0].pk}", "2")
    page.fill(f"#id_reverse_qty_{second_line.pk}", "0")
    page.fill("#id_reverse_invoice_number", "20261131")
    page.fill("#id_reverse_issued_on", today.isoformat())
    reverse.locator("input[name=reason]").fill("退回 2 盒阿莫西林胶囊（破损）")
    day.shot("red-letter-partial")
    reverse.get_by_role("button", name="申请冲红").click()
    page.get_by_text("已提交申请：复核通过后生效。").wait_for()
    day.read()
    assert not Invoice.objects.filter(kind="red").exists()  # finance alone issues none
    # ... issued once two others (the invoice had two reviewers) approve it in their queue.
    asked = ReversalRequest.objects.get(requested_by__username="finance")
    for reviewer in ("clerk", "clerk3"):
        day.login(reviewer)
        day.go("/reviews/reviewrequest/pending/")
        row = page.get_by_test_id("my-reviews").locator("tbody tr", has_text=asked.object_repr)
        row.get_by_role("link").click()
        page.wait_for_url(f"{live_server.url}/reviews/reversalrequest/{asked.pk}/change/")
        day.read()
        day.approve()
    asked.refresh_from_db()
    assert asked.status == "done"
    day.login("finance")
    red = Invoice.objects.get(kind="red")
    day.go(f"/sales/invoice/{red.pk}/change/")
    assert (red.gross_amount, red.vat_invoice_code) == (Decimal("-37.00"), "011002600111")
    assert red.issued_by.username == "finance"
    day.shot("red-letter")

    # 5. A receipt allocated from the open invoices' rows, leaving credit ------------------
    day.go("/ledger/receipt/add/")
    page.get_by_test_id("choose-customer").wait_for()
    page.fill("input[name=amount]", "200")
    day.pick("id_customer", HOSPITAL, picker_label)
    rows = page.get_by_test_id("allocation-row")
    rows.first.wait_for()
    assert rows.count() == 1 and "173.99" in rows.first.inner_text()  # 210.99 − 37.00
    page.locator("input[name^=allocate_]").first.fill("150")
    summary = page.get_by_test_id("allocation-summary").inner_text()
    assert "已分配 150.00" in summary and "留作客户余额 50.00" in summary
    day.read()
    day.shot("receipt-add")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("成功").first.wait_for()
    day.read()
    receipt = Receipt.objects.get()

    # 6. The statement for a period: the period picker; its credit leads to the receipt ---
    day.go(f"/parties/customer/{customer.pk}/change/")
    page.locator("a[href='#dataset-receivables']").click()
    with page.context.expect_page() as opened:
        page.get_by_test_id("customer-tab-receivables").get_by_test_id("customer-tab-link").click()
    statement = opened.value
    statement.wait_for_load_state()
    page.close()
    page = day.page = statement
    page.get_by_test_id("preset").filter(has_text="本月").click()
    page.get_by_text("客 户 对 账 单").wait_for()
    day.read()
    assert "未分配的收款余额：50.00" in page.get_by_test_id("statement-credit").inner_text()
    day.shot("statement-month")

    # ... and the credit is applied later, from the receipt's page.
    page.get_by_test_id("credit-receipts").click()
    page.get_by_role("link", name=receipt.number).click()
    step = page.get_by_test_id("step-allocate")
    step.wait_for()
    day.read()
    assert step.locator("input[name^=allocate_]").input_value() == "23.99"
    step.locator("input[name^=allocate_]").fill("20")
    step.get_by_role("button", name="分配余额").click()
    page.get_by_text("余额已分配到发票。").wait_for()
    day.read()
    day.shot("receipt-credit-applied")
    receipt.refresh_from_db()
    assert receipt.allocated_amount == Decimal("170.00")

    # 7. The sales report by region and product, with names, in Excel and PDF -------------
    day.go("/reports/sales/")
    form = page.locator("form").filter(has=page.locator("select[name=period]"))
    form.locator("select[name=period]").select_option(label="年度")
    groupings = form.locator("select[name=g]")
    groupings.nth(0).select_option(label="大区")
    groupings.nth(1).select_option(label="产品")
    form.get_by_role("button", name="查询").click()
    page.wait_for_url("**g=region**")
    day.read()
    table = page.locator("table").first.inner_text()
    for name in (region_north.name, products[0].name, products[1].name):
        assert name in table, name
    day.shot("report-region-product")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("期间", "大区", "产品编码", "产品")
    # ordered today: 10 of the first product, 4 + 5 of the second
    cells = {(row[1], row[3], row[4]) for row in rows[1:] if row[1]}
    assert cells == {
        (region_north.name, products[0].name, 10),
        (region_north.name, products[1].name, 9),
    }
    pdf_link = page.get_by_role("link", name="PDF", exact=True)
    pdf = page.request.get(f"{live_server.url}/reports/sales/{pdf_link.get_attribute('href')}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    # The end of the day: the dashboard, the aging, the statement and the ledger agree ----
    day.go("/")
    tile = page.get_by_test_id("kpi-tile").filter(has_text="应收账款")
    dashboard = _amount(tile.get_by_test_id("kpi-value").inner_text())
    tile.click()  # the tile leads to the aging
    page.get_by_test_id("aging-report").wait_for()
    day.read()
    aging = _amount(page.get_by_test_id("aging-total").inner_text())
    day.shot("aging")
    day.go(f"/statements/{customer.pk}/")
    page.get_by_test_id("preset").filter(has_text="本月").click()
    page.get_by_text("客 户 对 账 单").wait_for()
    day.read()
    closing = _amount(page.get_by_test_id("statement-closing").inner_text())
    credit = _amount(page.get_by_test_id("statement-credit").inner_text())
    month = today.replace(day=1)
    day.go(f"/reports/ledger/?date_from={month.isoformat()}&date_to={today.isoformat()}")
    day.shot("general-ledger")
    ledger = _amount(page.get_by_test_id("ledger-closing-1122").inner_text())

    # 210.99 invoiced, 37.00 reversed, 200.00 received, 170.00 of it allocated: 3.99 owed.
    assert (closing, credit) == (Decimal("-26.01"), Decimal("30.00"))
    assert dashboard == aging == closing + credit == ledger == Decimal("3.99")

    report = "\n".join(f"{url}\n    " + "\n    ".join(found) for url, found in day.raw.items())
    assert not day.raw, f"raw text on {len(day.raw)} pages of the day:\n{report}"
    assert day.pages_read > 60, day.pages_read  # every page of the day was read
