"""Chinese pages show names, never codes, reprs or stored precision (issue 14 §6)."""

import io
import logging
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from openpyxl import load_workbook

from backoffice.core.admin import Label, change_rows
from backoffice.core.money import display_places, format_number
from conftest import PASSWORD


@pytest.fixture(autouse=True)
def _english_after():
    """A request in Chinese leaves Chinese active in the test's thread: reset it."""
    yield
    translation.activate("en")


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (Decimal("54.400000"), "price", "54.40"),
        (Decimal("2.675000"), "price", "2.675"),
        (Decimal("3.141593"), "price", "3.1416"),
        (Decimal("12.000"), "quantity", "12"),
        (Decimal("12.500"), "quantity", "12.5"),
        (Decimal("0.1300"), "rate", "13%"),
        (Decimal("0.0650"), "rate", "6.5%"),
        (Decimal("7"), "amount", "7.00"),
        (None, "price", ""),
    ],
)
def test_numbers_show_as_people_read_them(value, kind, shown):
    assert format_number(value, kind) == shown


def test_display_never_changes_the_stored_value():
    price = Decimal("54.400000")
    assert display_places(price, "price") == (Decimal("54.4000"), 2)
    assert price == Decimal("54.400000") and str(price) == "54.400000"


def test_form_inputs_drop_stored_zeros_but_keep_every_digit():
    from django import forms

    price = forms.DecimalField(max_digits=18, decimal_places=6)
    quantity = forms.DecimalField(max_digits=16, decimal_places=3)
    assert price.widget.format_value(Decimal("54.400000")) == "54.40"
    assert price.widget.format_value(Decimal("54.412345")) == "54.412345"  # never rounded
    assert quantity.widget.format_value(Decimal("12.000")) == "12"
    assert quantity.widget.format_value(Decimal("120.500")) == "120.5"
    assert quantity.widget.format_value(Decimal("120.000")) == "120"


def test_template_filters_use_the_same_rule():
    html = Template(
        "{% load numbers %}{{ p|price }} {{ q|quantity }} {{ r|rate }} {{ a|amount }}"
    ).render(
        Context(
            {
                "p": Decimal("54.400000"),
                "q": Decimal("12.000"),
                "r": Decimal("0.13"),
                "a": Decimal("1234.5"),
            }
        )
    )
    assert html == "54.40 12 13% 1,234.50"


@pytest.mark.django_db
def test_admin_lists_and_pages_show_prices_and_quantities_without_stored_zeros(
    client, admin_user, delivered
):
    client.login(username=admin_user.username, password=PASSWORD)
    line = delivered.lines.order_by("line_no").first()
    page = client.get(f"/sales/salesorder/{delivered.pk}/change/").content.decode()
    assert "18.500000" not in page and "10.000" not in page
    products = client.get("/catalog/product/").content.decode()
    assert "18.50" in products and "18.500000" not in products
    assert "13%" in products and "0.1300" not in products
    assert line.unit_price == Decimal("18.500000")  # stored as before


@pytest.mark.django_db
def test_excel_keeps_exact_numbers_and_shows_them_as_read(products):
    from backoffice.catalog.models import Product
    from backoffice.core.excel import queryset_to_xlsx

    content = queryset_to_xlsx(
        Product.objects.order_by("code"), fields=["code", "list_price", "vat_rate"]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    price, rate = sheet["B2"], sheet["C2"]
    assert price.value == Decimal("18.5") or price.value == 18.5
    assert price.number_format == "#,##0.00##"
    assert rate.number_format == "0%"


def test_a_label_shows_its_text_as_a_badge_in_read_only_fields():
    label = Label("ok", "一致", {"ok": "success"})
    html = label.__html__()
    assert "一致" in html and "('ok'" not in html and "green" in html
    assert label == ("ok", "一致")  # a list cell still reads (value, text)


def test_a_status_without_a_colour_shows_its_label_not_its_code():
    from unfold.utils import display_for_label

    from backoffice.core.admin import BadgeColours

    html = display_for_label(("draft", "草稿"), "-", BadgeColours({"issued": "success"}))
    assert "草稿" in html and "draft" not in html


def test_review_steps_in_the_timeline_read_as_sentences_old_rows_too():
    from backoffice.parties.models import Customer

    with translation.override("zh-hans"):
        new = change_rows(
            Customer, {"review": [None, "approve"], "round": [None, 1], "level": [None, 1]}
        )
        old = change_rows(Customer, {"review": [None, "approve (round 2, level 1)"]})
        submitted = change_rows(Customer, {"review": [None, "submitted"], "round": [None, 3]})
    assert [r["after"] for r in new] == ["第1轮 第1级 审核通过"]
    assert [r["after"] for r in old] == ["第2轮 第1级 审核通过"]
    assert [r["after"] for r in submitted] == ["提交审核（第3轮）"]
    assert new[0]["label"] == "审核"


def test_the_themes_strings_are_in_our_catalogue():
    with translation.override("zh-hans"):
        assert gettext("Search apps and models...") == "搜索应用和模型…"
        assert gettext("Select value") == "请选择"
        assert gettext("Apply Filters") == "应用筛选"
        assert gettext("Task Results") == "后台任务"
        assert "个结果" in ngettext(
            '\n            Found <span class="font-medium text-important">%(counter)s</span> '
            "result in %(time)s seconds\n        ",
            '\n            Found <span class="font-medium text-important">%(counter)s</span> '
            "results in %(time)s seconds\n        ",
            3,
        )


def test_a_contract_is_signed_on_a_signing_date_a_delivery_on_a_receipt_date():
    from backoffice.contracts.models import Contract
    from backoffice.sales.models import Delivery

    with translation.override("zh-hans"):
        assert str(Contract._meta.get_field("signed_on").verbose_name) == "签订日期"
        assert str(Delivery._meta.get_field("signed_on").verbose_name) == "签收日期"
        assert pgettext("contract", "signed on") != gettext("signed on")


@pytest.mark.django_db
def test_the_command_palette_describes_records_by_app_and_model_names(admin_user, hospital):
    from django.contrib import admin

    request = RequestFactory().get("/search/?s=北京")
    request.user = admin_user
    with translation.override("zh-hans"):
        apps = admin.site.get_app_list(request)
        results = admin.site._search_models(request, apps, "北京")
        descriptions = {str(r.description) for r in results}
    assert "客户 · 客户" in descriptions or any(d.endswith("· 客户") for d in descriptions)
    assert not any("Parties" in d for d in descriptions)
    with translation.override("en"):  # lazy: the palette's cache serves every language
        assert any("Customers" in str(r.description) for r in results)


@pytest.mark.django_db
def test_the_command_palette_answers_and_caches_in_every_language(client, admin_user, hospital):
    client.login(username=admin_user.username, password=PASSWORD)
    for _twice in range(2):  # the second answer comes from the cache
        response = client.get("/search/?s=北京", headers={"accept-language": "zh-hans"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "客户 · 客户" in page and "Parties" not in page


@pytest.mark.django_db
def test_permissions_and_roles_are_named_in_the_readers_language(client, admin_user):
    from django.contrib.auth.models import Group

    from backoffice.accounts.services import user_create

    user_create(username="smgr", role="sales_manager", full_name="赵经理")
    client.login(username=admin_user.username, password=PASSWORD)
    role = Group.objects.get(name="sales_manager")
    page = client.get(
        f"/auth/group/{role.pk}/change/", headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert "可添加客户" in page and "Can add customer" not in page
    users = client.get("/accounts/user/", headers={"accept-language": "zh-hans"}).content.decode()
    rows = users.split("<tbody")[-1].split("</tbody>")[0]
    assert "赵经理" in rows and "sales_manager" not in rows


def test_the_pdf_library_only_warns_on_the_console():
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING


@pytest.mark.django_db
def test_relations_in_a_history_show_names_read_once_however_many_rows(
    clerk, rep_wang, region_north, region_east
):
    """The customer's timeline and a record's history show what a stored id names, by name,
    reading each kind of record once for all rows (no query per row); an id that names
    nothing, or is not an id, shows as #id."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backoffice.core.admin import change_rows_many
    from backoffice.parties.models import Customer

    def events(n: int) -> list:
        return [
            (Customer, {"region": [region_north.pk, region_east.pk], "owner": [None, rep_wang.pk]})
        ] * n + [(Customer, {"region": [None, 999999], "owner": [None, "x"]})]

    with CaptureQueriesContext(connection) as few:
        rows = change_rows_many(events(2))
    with CaptureQueriesContext(connection) as many:
        change_rows_many(events(40))
    assert len(few) == len(many) == 2  # regions, people
    assert [(r["before"], r["after"]) for r in rows[0]] == [
        (str(region_north), str(region_east)),
        ("—", str(rep_wang)),
    ]
    assert [r["after"] for r in rows[-1]] == ["#999999", "#x"]
    assert change_rows(Customer, {"region": [None, region_east.pk]})[0]["after"] == str(region_east)


def test_a_fact_of_an_action_that_is_not_a_change_shows_as_what_it_says():
    """An audit row may hold a fact that is no [before, after] pair (the items an issue got
    back): a history or a timeline shows it, and never fails on it."""
    from backoffice.materials.models import IssueRequest

    with translation.override("zh-hans"):
        [row] = change_rows(IssueRequest, {"returned": {"布洛芬缓释胶囊样品": "2"}})
    assert (row["label"], row["before"], row["after"]) == ("已归还", "—", "布洛芬缓释胶囊样品: 2")


@pytest.mark.django_db
def test_a_fact_naming_no_record_is_not_read_as_keys(clerk):
    """A contract's audited "lines" (a reverse relation's name, not a key) show as stored,
    not as #ids; a record of a kind that no longer exists shows its facts too."""
    from backoffice.audit.admin import AuditEventAdmin
    from backoffice.audit.models import AuditEvent
    from backoffice.contracts.models import Contract

    [row] = change_rows(Contract, {"lines": [None, [[3, "镇痛药", "100.00"]]]})
    assert "#" not in row["after"] and "镇痛药" in row["after"]
    gone = AuditEvent(model="gone.kind", changes={"returned": {"A": "2"}, "x": [1, 2]})
    shown = AuditEventAdmin.changes_table(None, gone)
    assert shown == "returned: {'A': '2'}; x: 1 → 2"


def test_every_fact_an_audit_row_holds_beside_fields_reads_as_a_name_in_chinese():
    """The keys the services audit that are not fields of the record (an upload's files, an
    invoice's red letter, an import run again; a reverse relation such as a contract's
    lines) show a Chinese label, never the key; an upload's two files are not a change."""
    from backoffice.contracts.models import Contract
    from backoffice.sales.models import HistoryImport, Invoice

    with translation.override("zh-hans"):
        upload = change_rows(
            HistoryImport,
            {"files": ["orders.csv", "order_lines.csv"], "sha256": "ab12", "size_bytes": 10},
        )
        [red] = change_rows(Invoice, {"red_letter": [None, "RL-1"]})
        [retry] = change_rows(HistoryImport, {"retry": ["failed", {"status": "queued"}]})
        [lines] = change_rows(Contract, {"lines": [None, [[3, "镇痛药", "100.00"]]]})
    assert [row["label"] for row in upload] == ["文件", "文件的 SHA-256", "大小（字节）"]
    assert (upload[0]["before"], upload[0]["after"]) == ("—", "orders.csv, order_lines.csv")
    with translation.override("zh-hans"):  # a change of the field itself is still a change
        [changed] = change_rows(HistoryImport, {"files": [["a.csv"], ["a.csv", "b.csv"]]})
    assert (changed["before"], changed["after"]) == ("a.csv", "a.csv, b.csv")
    assert (red["label"], red["after"]) == ("红字发票", "RL-1")
    assert retry["label"] == "重试"
    assert lines["label"] == "合同明细"
    for row in (red, retry, lines):
        assert not row["label"].isascii(), row["label"]
