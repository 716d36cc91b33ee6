"""The customer page's tabs (issue 14 §3): orders, deliveries, invoices, receivables and
statement, contracts, papers, calls — the newest rows the user may see, one query a tab."""

import pytest
from django.contrib.admin import site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.core.record_tabs import record_tabs_for
from backoffice.ledger.selectors import receivable_balances
from backoffice.parties.models import Customer
from backoffice.parties.services import call_record, customer_update
from backoffice.reports.customer_tabs import customer_deliveries_tab, customer_orders_tab

KEYS = [
    "orders",
    "deliveries",
    "invoices",
    "receivables",
    "contracts",
    "papers",
    "calls",
    "timeline",
]


def _page(client, user, customer) -> str:
    client.force_login(user)
    response = client.get(reverse("admin:parties_customer_change", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _tab(client, customer, key: str):
    """A tab's rows as the page fetches them when the tab is opened."""
    url = reverse("admin:parties_customer_tab", args=[customer.pk])
    return client.get(url, {"key": key})


@pytest.mark.django_db
def test_the_customer_page_has_a_tab_of_each_kind_of_document(client, clerk, issued):
    customer = issued.customer
    page = _page(client, clerk, customer)
    tab_url = reverse("admin:parties_customer_tab", args=[customer.pk])
    for key in KEYS:
        assert f'href="#dataset-{key}"' in page
        assert f'data-testid="customer-tab-{key}"' in page
        assert f"{tab_url}?key={key}" in page  # read when opened, not with the page
    orders = reverse("admin:sales_salesorder_changelist")
    assert f"{orders}?customer__id__exact={customer.pk}" not in page
    tabs = {key: _tab(client, customer, key) for key in KEYS}
    assert {key: answer.status_code for key, answer in tabs.items()} == dict.fromkeys(KEYS, 200)
    rows = {key: answer.content.decode() for key, answer in tabs.items()}
    assert issued.order.number in rows["orders"]
    assert issued.vat_invoice_number in rows["invoices"]
    assert f"{orders}?customer__id__exact={customer.pk}" in rows["orders"]
    assert reverse("customer-statement-print", args=[customer.pk]) in rows["receivables"]
    assert 'data-testid="customer-tab-chart"' in page  # the sales chart comes with the page


@pytest.mark.django_db
def test_a_tab_is_refused_to_who_may_not_see_it_or_its_customer(
    client, clerk, rep_li, hospital, issued
):
    from backoffice.accounts.services import user_create

    client.force_login(clerk)
    assert _tab(client, hospital, "nonsense").status_code == 404
    assert _tab(client, hospital, "")["Location"] == reverse(
        "admin:parties_customer_change", args=[hospital.pk]
    )
    warehouse = user_create(username="wh", role="warehouse", full_name="仓库")
    client.force_login(warehouse)
    assert _tab(client, issued.customer, "orders").status_code == 200
    assert _tab(client, issued.customer, "receivables").status_code == 403
    client.force_login(rep_li)  # a rep of the east: the north's customer is not his
    assert _tab(client, issued.customer, "orders").status_code == 404
    client.logout()
    answer = _tab(client, issued.customer, "orders")
    assert answer.status_code == 302 and "/login/" in answer["Location"]


@pytest.mark.django_db
def test_the_receivables_tab_shows_the_ledgers_figures(clerk, issued):
    customer = issued.customer
    tabs = {shown.tab.key: shown for shown in record_tabs_for(customer, clerk)}
    figures = dict(tabs["receivables"].content.figures)
    expected = receivable_balances(
        Customer.objects.filter(pk=customer.pk), today=timezone.localdate()
    )
    assert list(figures.values()) == [expected["open"], expected["overdue"]]
    assert expected["open"] == issued.gross_amount  # nothing received yet


@pytest.mark.django_db
def test_a_rep_sees_in_the_tabs_only_the_rows_of_his_own_region(
    client, clerk, rep_li, region_east, delivered
):
    """The customer moved from the north to the east: its rep in the east sees the customer,
    but not the orders and deliveries made in the north."""
    customer = delivered.customer
    customer_update(customer=customer, by=clerk, region=region_east, owner=rep_li)
    assert [row.cells[0] for row in customer_orders_tab(customer, clerk, 10).rows] == [
        delivered.number
    ]
    assert customer_orders_tab(customer, rep_li, 10).rows == []
    assert customer_deliveries_tab(customer, rep_li, 10).rows == []
    assert len(customer_deliveries_tab(customer, clerk, 10).rows) == 1
    page = _page(client, rep_li, customer)
    assert 'data-testid="customer-tab-orders"' in page
    assert delivered.number not in _tab(client, customer, "orders").content.decode()


@pytest.mark.django_db
def test_a_user_without_a_kinds_permission_gets_no_tab_for_it(client, hospital, outsider):
    from backoffice.accounts.services import user_create

    warehouse = user_create(username="wh", role="warehouse", full_name="仓库")
    keys = [shown.tab.key for shown in record_tabs_for(hospital, warehouse)]
    assert "orders" in keys
    assert "contracts" not in keys and "receivables" not in keys


@pytest.mark.django_db
def test_each_tab_reads_its_rows_in_one_query_however_many(clerk, hospital):
    def queries() -> int:
        clerk_again = type(clerk).objects.get(pk=clerk.pk)  # no permission cache carried over
        with CaptureQueriesContext(connection) as captured:
            record_tabs_for(hospital, clerk_again)
        return len(captured)

    call_record(customer=hospital, by=clerk, business_status="一切正常")
    one = queries()
    for _ in range(4):
        call_record(customer=hospital, by=clerk, business_status="再次回访")
    assert queries() == one
    # the permissions, then a query a tab (the receivables tab: its figures and its rows; the
    # timeline: its events, then the names its changes show, a query per kind: customer,
    # region, person, paper type)
    assert one <= len(KEYS) + 1 + 3 + 4


@pytest.mark.django_db
def test_each_tabs_full_list_opens_filtered_to_the_customer(client, clerk, finance, issued):
    for user in (clerk, finance):
        client.force_login(user)
        for shown in record_tabs_for(issued.customer, user):
            answer = client.get(shown.content.more_url)
            assert answer.status_code == 200, (shown.tab.key, answer.status_code)
            assert "?e=1" not in answer.get("Location", "")


@pytest.mark.django_db
def test_the_papers_and_calls_tabs_add_one_for_the_customer(client, clerk, hospital):
    from backoffice.parties.tabs import customer_calls_tab, customer_papers_tab

    client.force_login(clerk)
    for tab, model in ((customer_papers_tab, "qualification"), (customer_calls_tab, "callrecord")):
        [(_label, url)] = tab(hospital, clerk, 10).links
        assert url.endswith(f"/parties/{model}/add/?customer={hospital.pk}")
        page = client.get(url)
        assert page.status_code == 200
        assert page.context["adminform"].form.initial["customer"] == str(hospital.pk)


@pytest.mark.django_db
def test_the_timeline_shows_no_kind_of_record_the_user_may_not_view(client, clerk, hospital):
    """The warehouse sees customers but not their calls: neither the calls tab nor the calls
    in the timeline."""
    from backoffice.accounts.services import user_create
    from backoffice.parties.models import CallRecord

    call_record(customer=hospital, by=clerk, business_status="回访内容仅内勤可见")
    calls = str(CallRecord._meta.verbose_name)
    client.force_login(clerk)
    assert calls in _tab(client, hospital, "timeline").content.decode()
    warehouse = user_create(username="wh", role="warehouse", full_name="仓库")
    client.force_login(warehouse)
    assert _tab(client, hospital, "calls").status_code == 403
    timeline = _tab(client, hospital, "timeline")
    assert timeline.status_code == 200
    assert calls not in timeline.content.decode()
    assert hospital.name in timeline.content.decode()  # its own changes


@pytest.mark.django_db
def test_a_customer_address_of_another_spelling_still_opens_its_page(client, clerk, hospital):
    client.force_login(clerk)
    page = client.get(f"/parties/customer/%20{hospital.pk}/change/")
    assert page.status_code in (200, 302, 404)  # never a server error


@pytest.mark.django_db
def test_the_customer_form_writes_its_errors_and_nothing_for_a_field_without(
    client, clerk, hospital
):
    """Empty lists of errors write nothing (core.admin.QuietErrorList); a refused save still
    shows each field's error, and the page builds the blank row of each inline once."""
    url = reverse("admin:parties_customer_change", args=[hospital.pk])
    client.force_login(clerk)
    shown = client.get(url)
    assert "errorlist" not in shown.content.decode()
    rendered = {template.name for template in shown.templates}
    assert "django/forms/errors/list/ul.html" not in rendered
    response = client.post(url, {"name": ""})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert response.context["adminform"].form.errors["name"]
    admin = site._registry[Customer]
    request = response.wsgi_request
    request.method = "GET"
    for formset_class, _inline in admin.get_formsets_with_inlines(request, hospital):
        formset = formset_class(instance=hospital, prefix="x")
        assert formset.empty_form is formset.empty_form
        assert formset.empty_form.prefix == "x-__prefix__"
