"""Materials cost statistics: what left stock net of returns, by purpose, customer, region,
rep, kind and month; bags do not count until used; stocktake variances apart; printing;
the page in Chinese, its Excel, the API."""

from decimal import Decimal

import pytest
from django.test import Client

from backoffice.materials.services import (
    issue_create,
    issue_return,
    issue_submit,
    printing_order,
    printing_receive,
)
from backoffice.materials.tests.conftest import receive, soon
from backoffice.reports.selectors.materials import materials_cost, printing_cost
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def used(rep_wang, clerk, second_clerk, keeper, warehouse, brochure, sample, hospital):
    receive(clerk, warehouse, brochure, "100", "2.00")
    receive(clerk, warehouse, sample, "20", "10.00", batch="B1", expires_on=soon(90))

    def issue(by, **kwargs):
        made = issue_create(by=by, location=warehouse, **kwargs)
        issue_submit(issue=made, by=by)
        for reviewer in (second_clerk, keeper) if by == clerk else (clerk, keeper):
            review_decide(request=review_request_for(made), by=reviewer, verdict="approve")
        return made

    lent = issue(
        rep_wang,
        purpose="customer",
        customer=hospital,
        due_back_on=soon(7),
        lines=[{"item": sample, "quantity": "5"}],
    )
    issue_return(issue=lent, by=keeper, lines=[{"line": lent.lines.get().pk, "quantity": "2"}])
    issue(
        rep_wang,
        purpose="customer",
        customer=hospital,
        lines=[{"item": brochure, "quantity": "30"}],
    )
    bag = issue(clerk, purpose="rep", recipient=rep_wang, lines=[{"item": sample, "quantity": "4"}])
    # one comes back out of the bag: neither leg of it is use
    issue_return(issue=bag, by=keeper, lines=[{"line": bag.lines.get().pk, "quantity": "1"}])
    issue(clerk, purpose="internal", lines=[{"item": brochure, "quantity": "10"}])
    job = printing_order(by=clerk, item=brochure, supplier="印务", quantity="1000", cost="700")
    printing_receive(job=job, by=keeper, location=warehouse)


def test_used_net_of_returns_by_purpose_and_customer(used, clerk, hospital):
    rows, totals = materials_cost(
        by=clerk, date_from=soon(-1), date_to=soon(0), group_by=["purpose", "customer"]
    )
    found = {(r["purpose"], r["customer_name"]): (r["quantity"], r["cost"]) for r in rows}
    assert found == {
        ("customer", "北京医院"): (Decimal("33.000"), Decimal("90.00")),  # 3 samples + 30
        ("internal", "No customer"): (Decimal("10.000"), Decimal("20.00")),
    }  # the four samples in the rep's bag are not used yet
    assert totals == {"quantity": Decimal("43.000"), "cost": Decimal("110.00")}
    (row,) = printing_cost(by=clerk, date_from=soon(-1), date_to=soon(0))
    assert (row["jobs"], row["quantity"], row["cost"]) == (1, Decimal("1000"), Decimal("700.00"))


def test_by_region_rep_and_kind(used, clerk, rep_wang, region_north):
    rows, _totals = materials_cost(
        by=clerk, date_from=soon(-1), date_to=soon(0), group_by=["region", "rep", "kind"]
    )
    found = {(r["region_name"], r["rep_name"], r["kind"]): r["cost"] for r in rows}
    assert found == {
        ("华北大区", "王磊", "sample"): Decimal("30.00"),
        ("华北大区", "王磊", "brochure"): Decimal("60.00"),
        ("No region", "陈静", "brochure"): Decimal("20.00"),
    }


def test_the_page_its_excel_and_the_api(used, clerk, api):
    client = Client()
    client.force_login(clerk)
    page = client.get("/reports/materials/?g=purpose&g=customer", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "北京医院" in page.content.decode()
    workbook = client.get("/reports/materials/?group_by=month,kind&format=xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/reports/materials/?group_by=colour").status_code == 400
    api.force_authenticate(clerk)
    answer = api.get("/api/v1/reports/materials/?group_by=purpose").json()
    assert {r["purpose"]: r["cost"] for r in answer["rows"]} == {
        "customer": "90.00",
        "internal": "20.00",
    }
    assert answer["printing"][0]["cost"] == "700.00"


def test_a_rep_sees_the_use_of_own_customers_only(used, rep_li):
    rows, _totals = materials_cost(
        by=rep_li, date_from=soon(-1), date_to=soon(0), group_by=["purpose", "customer"]
    )
    # 北京医院 is 王磊's: what went there from the shared warehouse is not 李's to see
    assert {(r["purpose"], r["customer_name"]) for r in rows} == {("internal", "No customer")}


def test_mailing_by_month_carrier_and_kind(clerk, carrier, rep_li, hospital, api):
    from backoffice.office.models import MailItem
    from backoffice.office.services import mail_register
    from backoffice.reports.selectors.materials import mailing_cost

    for tracking, kind, cost in (("SF1", "invoice", "12.00"), ("SF2", "invoice", "15.00")):
        mail_register(
            by=clerk,
            kind=kind,
            customer=hospital,
            carrier=carrier,
            tracking_number=tracking,
            cost=cost,
        )
    mail_register(by=clerk, kind="letter", counterparty="税务局", cost="8.00")
    MailItem.objects.filter(tracking_number="SF2").update(fee="18.00")  # as a bill settled it
    rows = mailing_cost(by=clerk, date_from=soon(-1), date_to=soon(0))
    found = {(r["carrier_name"], r["kind_name"]): (r["shipments"], r["cost"]) for r in rows}
    assert found == {
        ("顺丰速运", "Invoice"): (2, Decimal("30.00")),
        ("No carrier", "Letter"): (1, Decimal("8.00")),
    }
    api.force_authenticate(clerk)
    answer = api.get("/api/v1/reports/materials/?group_by=purpose").json()
    assert sum(Decimal(r["cost"]) for r in answer["mailing"]) == Decimal("38.00")
    # 北京医院 is 王磊's: 李 sees none of what went there
    assert mailing_cost(by=rep_li, date_from=soon(-1), date_to=soon(0)) == []
