"""Every list and one record of every admin page, in Chinese: no code, no repr, no theme
string left in English, no number with more decimals than people read (issue 14 §6).

One browser, one login; the records come from the shared fixtures (an order delivered,
invoiced and paid, a contract, a call, a ticket) so that most lists have a row to show.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from backoffice.contracts.services import contract_create
from backoffice.ledger.selectors import receivable_for_source
from backoffice.ledger.services import receipt_create
from backoffice.ledger.tests.conftest import purchase_contract, sales_manager  # noqa: F401
from backoffice.parties.services import call_record, feedback_create
from backoffice.sales.services import delivery_create
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Visible text of the page: icons are ligatures (their names are not text), placeholders of
# visible inputs are. Cells that hold a record's code are left out: a code is what people
# type and search by (客户编码, 用户名), shown in its own column on purpose.
PAGE_TEXT_JS = """() => {
  const hide = document.createElement('style');
  hide.textContent = `.material-symbols-outlined, .field-code, .field-username,
    .field-name_en, .field-password { display: none !important }`;
  document.head.appendChild(hide);
  const visible = (e) => e.offsetParent !== null;
  const placeholders = [...document.querySelectorAll('[placeholder]')].filter(visible)
    .map((e) => e.getAttribute('placeholder'));
  const text = document.body.innerText + '\\n' + placeholders.join('\\n');
  hide.remove();
  return text;
}"""

# Words of the theme and of Django's admin that a Chinese page must not show in English.
ENGLISH_UI = [
    "Search apps and models",
    "Select value",
    "Apply Filters",
    "Type to search",
    "Reset filters",
    "No results found",
    "This page yielded into no results",
    "Choose file to upload",
    "Add row",
    "Filters",
    "Actions",
    "Save",
    "Delete",
    "History",
    "Search",
    "Submit",
    "Draft",
    "Approve",
    "approve",
    "round",
    "level",
    "Order audit",
    "Invoice audit",
    "Delivery release",
    "Contract review",
    "Tasks Database Backend",
    "Task Result",
    "Can add",
    "Can change",
    "Can view",
    "Can delete",
]
CHECKS = [
    ("code", re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
    ("code", re.compile(r"\b[a-z]+\.[a-z]+(?:order|invoice|delivery|contract)\b")),
    ("repr", re.compile(r"\('|\{'|\['|<[\w.]+ object at|\bNone\b")),
    ("English", re.compile(r"\b(?:" + "|".join(map(re.escape, ENGLISH_UI)) + r")\b")),
    ("upper-case code", re.compile(r"\b(?:DRAFT|IN_REVIEW|APPROVED|ISSUED|SIGNED|SHIPPED)\b")),
    ("decimals", re.compile(r"(?<![\d.])\d+\.\d{3,}(?![\d.])")),
]


# A contract template's placeholders ({counterparty_tax_id}) are what people type in it.
PLACEHOLDER = re.compile(r"\{\{?\s*[a-z_]+\s*\}?\}")


def findings(text: str) -> list[str]:
    text = PLACEHOLDER.sub("", text)
    found = []
    for kind, pattern in CHECKS:
        for match in sorted(set(pattern.findall(text))):
            found.append(f"{kind}: {match!r}")
    return found


def admin_pages() -> list[str]:
    """The list of every registered model, and the change page of its newest record."""
    pages = []
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label == "testapp":  # the platform tests' own models, not the product
            continue
        try:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        except NoReverseMatch:
            continue
        newest = model._default_manager.order_by("-pk").first()
        if newest is not None:
            pages.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[newest.pk])
            )
    return pages


@pytest.fixture
def day_of_work(issued, purchase_contract, finance, rep_wang, clerk):  # noqa: F811
    """An order delivered, invoiced and half paid; contracts; a call with stock; a ticket;
    a draft delivery and a draft contract."""
    # The platform tests' app names its permissions in English only: not the product's.
    Permission.objects.filter(content_type__app_label="testapp").delete()
    customer = issued.customer
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    receipt_create(
        customer=customer,
        by=finance,
        amount=Decimal("100.00"),
        received_on=timezone.localdate(),
        bank_reference="CMB0001",
        allocations=[{"receivable": receivable, "amount": Decimal("100.00")}],
    )
    product = issued.lines.first().order_line.product
    call_record(
        customer=customer,
        by=rep_wang,
        business_status="正常",
        next_call_on=timezone.localdate() + timedelta(days=7),
        inventory=[(product, "12")],
    )
    feedback_create(
        customer=customer, by=rep_wang, type="complaint", priority="high", description="包装破损"
    )
    # Drafts: their badges showed the raw "DRAFT" in the delivery and contract lists.
    remaining = issued.order.lines.order_by("line_no").first()
    delivery_create(
        order=issued.order, by=clerk, lines=[{"order_line": remaining, "quantity": "1"}]
    )
    contract_create(
        kind="sales",
        counterparty=customer,
        by=clerk,
        title="年度供货",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=365),
        lines=[{"product": product, "quantity": "100"}],
    )
    return issued


def test_every_admin_page_reads_in_chinese(live_server, page, admin_user, day_of_work):
    page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", admin_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_test_id("dashboard").wait_for()

    problems = {}
    pages = ["/", *admin_pages()]
    for url in pages:
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status < 400, f"{url}: {response.status}"
        found = findings(page.evaluate(PAGE_TEXT_JS))
        if found:
            problems[url] = found
    report = "\n".join(f"{url}\n    " + "\n    ".join(found) for url, found in problems.items())
    assert not problems, f"raw text on {len(problems)} of {len(pages)} Chinese pages:\n{report}"
    assert len(pages) > 40  # every app's lists and records were walked


def test_the_checks_catch_what_issue_14_found():
    page = (
        "('ok', '一致')\n状态 DRAFT\n审核: approve (round 1, level 1)\nOrder audit sales.salesorder"
        "\n单价 54.400000 数量 12.000\nSearch apps and models\nSelect value\nApply Filters"
    )
    found = " ".join(findings(page))
    for expected in [
        "('",
        "DRAFT",
        "approve",
        "Order audit",
        "sales.salesorder",
        "54.400000",
        "12.000",
        "Search apps and models",
        "Select value",
        "Apply Filters",
    ]:
        assert expected in found
    assert findings("单价 54.40 数量 12 税率 13% 第1轮 第1级 审核通过") == []
