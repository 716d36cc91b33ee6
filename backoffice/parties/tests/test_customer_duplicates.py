"""Duplicates people can tell apart (issue 14 §4): a taken tax id names the customer that has
it (only to those who may see it), a name already taken is saved only when confirmed, and
pickers show name · code · city · …tax id."""

import pytest
from django.urls import reverse

from backoffice.parties.exceptions import DuplicateName, DuplicateTaxId
from backoffice.parties.imports import customers_import
from backoffice.parties.models import Customer
from backoffice.parties.models.customers import city_of
from backoffice.parties.services import customer_update
from backoffice.parties.tests.conftest import VALID_USCC

HOSPITAL = "北京大学附属医院"


@pytest.fixture
def head_office(make_customer, rep_wang):
    return make_customer(
        rep_wang, name=HOSPITAL, tax_id=VALID_USCC[0], address="北京市海淀区学院路38号"
    )


# --- the label pickers show ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "city"),
    [
        ("北京市海淀区学院路38号", "北京"),
        ("广东省广州市天河区体育西路1号", "广州"),
        ("广西壮族自治区南宁市青秀区", "南宁"),
        ("海淀区学院路38号", ""),
        ("", ""),
    ],
)
def test_the_city_is_read_from_the_head_of_the_address(address, city):
    assert city_of(address) == city


@pytest.mark.django_db
def test_the_picker_label_tells_three_namesakes_apart(make_customer, clerk, head_office):
    second = make_customer(
        clerk, name=HOSPITAL, address="天津市和平区1号", confirm_duplicate_name=True
    )
    third = make_customer(clerk, name=HOSPITAL, tax_id=VALID_USCC[1], confirm_duplicate_name=True)
    assert head_office.picker_label == f"{HOSPITAL} · {head_office.code} · 北京 · …0Y43"
    assert second.picker_label == f"{HOSPITAL} · {second.code} · 天津"
    assert third.picker_label == f"{HOSPITAL} · {third.code} · …082Q"
    assert len({head_office.picker_label, second.picker_label, third.picker_label}) == 3


@pytest.mark.django_db
def test_the_admin_pickers_search_by_pinyin_and_answer_with_labels_in_one_query(
    client, clerk, make_customer, head_office, django_assert_max_num_queries
):
    for number in range(5):
        make_customer(clerk, name=HOSPITAL, confirm_duplicate_name=True, code=f"BJ-{number}")
    client.force_login(clerk)
    url = reverse("admin:autocomplete")
    params = {
        "term": "bjdx",
        "app_label": "parties",
        "model_name": "qualification",
        "field_name": "customer",
    }
    with django_assert_max_num_queries(8):  # session, user, permissions… not one per row
        answer = client.get(url, params).json()
    texts = [row["text"] for row in answer["results"]]
    assert head_office.picker_label in texts
    assert f"{HOSPITAL} · BJ-3" in texts
    assert len(texts) == 6


@pytest.mark.django_db
def test_a_chosen_customer_reads_as_its_label_in_another_form(client, clerk, head_office):
    from backoffice.parties.services import feedback_create

    ticket = feedback_create(
        customer=head_office, by=clerk, type="complaint", priority="normal", description="x"
    )
    client.force_login(clerk)
    page = client.get(reverse("admin:parties_feedback_change", args=[ticket.pk]))
    assert head_office.picker_label in page.content.decode()


@pytest.mark.django_db
def test_the_api_gives_each_customer_its_label(api, clerk, head_office):
    api.force_authenticate(clerk)
    rows = api.get("/api/v1/parties/customers/", {"q": "bjdx"}).json()["results"]
    assert [row["label"] for row in rows] == [head_office.picker_label]


# --- a taken tax id --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_taken_tax_id_names_the_customer_that_has_it(make_customer, clerk, head_office):
    with pytest.raises(DuplicateTaxId) as caught:
        make_customer(clerk, name="另一家医院", tax_id=VALID_USCC[0])
    error = caught.value
    assert (error.status, error.code) == (400, "duplicate_tax_id")
    assert head_office.picker_label in str(error.message)
    assert error.extra["customer"] == {
        "id": head_office.pk,
        "code": head_office.code,
        "name": HOSPITAL,
        "label": head_office.picker_label,
    }
    assert error.extra["fields"]["tax_id"] == [str(error.message)]


@pytest.mark.django_db
def test_a_taken_tax_id_does_not_name_a_customer_the_user_may_not_see(
    make_customer, rep_li, region_east, head_office
):
    with pytest.raises(DuplicateTaxId) as caught:
        make_customer(rep_li, name="华东医院", region=region_east, tax_id=VALID_USCC[0])
    error = caught.value
    assert "customer" not in error.extra
    assert HOSPITAL not in str(error.message)
    assert head_office.code not in str(error.message)
    assert "outside the ones you may see" in str(error.message)


@pytest.mark.django_db
def test_the_admin_shows_the_taken_tax_id_beside_its_field_with_a_link(
    client, clerk, rep_wang, region_north, head_office
):
    client.force_login(clerk)
    page = client.post(
        reverse("admin:parties_customer_add"), _form(region_north, rep_wang, tax_id=VALID_USCC[0])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert not Customer.objects.filter(name="另一家医院").exists()
    link = reverse("admin:parties_customer_change", args=[head_office.pk])
    assert f'href="{link}"' in html
    assert "is violated" not in html and "parties_customer_tax_id" not in html


@pytest.mark.django_db
def test_the_admin_link_escapes_the_customers_name(
    client, clerk, rep_wang, make_customer, region_north
):
    make_customer(clerk, name="<b>坏</b>医院", tax_id=VALID_USCC[1])
    client.force_login(clerk)
    page = client.post(
        reverse("admin:parties_customer_add"), _form(region_north, rep_wang, tax_id=VALID_USCC[1])
    )
    html = page.content.decode()
    assert "&lt;b&gt;坏&lt;/b&gt;医院" in html
    assert "<b>坏</b>" not in html


@pytest.mark.django_db
def test_the_api_refuses_a_taken_tax_id_with_the_customer(
    api, clerk, rep_wang, region_north, head_office
):
    api.force_authenticate(clerk)
    payload = {"name": "另一家医院", "kind": "hospital", "region": region_north.pk}
    payload["owner"] = rep_wang.pk  # a clerk names the rep
    answer = api.post("/api/v1/parties/customers/", {**payload, "tax_id": VALID_USCC[0]})
    assert (answer.status_code, answer.json()["code"]) == (400, "duplicate_tax_id")
    other = answer.json()["extra"]["customer"]
    assert (other["id"], other["code"]) == (head_office.pk, head_office.code)
    assert other["name"] == HOSPITAL


@pytest.mark.django_db
def test_the_import_reports_a_taken_tax_id_on_its_row_naming_the_customer(
    clerk, rep_li, region_north, region_east, head_office
):
    rows = [
        {
            "名称": "另一家医院",
            "类别": "医院",
            "大区": "north",
            "负责人": "rep_wang",
            "税号": VALID_USCC[0],
        }
    ]
    seen = customers_import(rows=rows, by=clerk, commit=False)
    assert [(e.row, e.column) for e in seen.errors] == [(2, "tax_id")]
    assert head_office.code in seen.errors[0].message
    # rep_li adds one to her own region, with the tax id of a north customer she cannot see
    own = [{**{k: v for k, v in rows[0].items() if k != "负责人"}, "大区": "east"}]
    unseen = customers_import(rows=own, by=rep_li, commit=False)
    tax_errors = [e for e in unseen.errors if e.column == "tax_id"]
    assert len(tax_errors) == 1
    assert head_office.code not in tax_errors[0].message
    again = customers_import(
        rows=[{**rows[0], "名称": HOSPITAL}], by=clerk, commit=False
    )  # the same customer: skipped, as before
    assert (again.errors, len(again.unchanged)) == ([], 1)


# --- a name already taken --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_name_already_taken_is_refused_until_confirmed(make_customer, clerk, head_office):
    with pytest.raises(DuplicateName) as caught:
        make_customer(clerk, name=f" {HOSPITAL} ")
    error = caught.value
    assert (error.status, error.code) == (400, "duplicate_name")
    assert error.extra["customers"][0]["id"] == head_office.pk
    assert head_office.picker_label in str(error.message)
    assert Customer.objects.filter(name=HOSPITAL).count() == 1

    branch = make_customer(clerk, name=HOSPITAL, confirm_duplicate_name=True)
    assert Customer.objects.filter(name=HOSPITAL).count() == 2
    assert branch.code != head_office.code


@pytest.mark.django_db
def test_brackets_of_either_width_make_the_same_name(make_customer, clerk):
    make_customer(clerk, name="国药控股（北京）有限公司", kind="distributor")
    with pytest.raises(DuplicateName):
        make_customer(clerk, name="国药控股(北京)有限公司", kind="distributor")


@pytest.mark.django_db
def test_a_rename_to_a_taken_name_needs_the_confirmation_and_other_changes_do_not(
    make_customer, clerk, head_office
):
    other = make_customer(clerk, name="协和医院")
    customer_update(customer=other, by=clerk, notes="只改备注")
    with pytest.raises(DuplicateName):
        customer_update(customer=other, by=clerk, name=HOSPITAL)
    customer_update(customer=other, by=clerk, name=HOSPITAL, confirm_duplicate_name=True)
    customer_update(customer=other, by=clerk, notes="同名之后，改备注不需确认")


@pytest.mark.django_db
def test_a_namesake_the_user_may_not_see_is_not_named(
    make_customer, rep_li, region_east, head_office
):
    with pytest.raises(DuplicateName) as caught:
        make_customer(rep_li, name=HOSPITAL, region=region_east)
    error = caught.value
    assert (error.extra["customers"], error.extra["hidden"]) == ([], 1)
    assert head_office.code not in str(error.message)


@pytest.mark.django_db
def test_the_api_refuses_a_taken_name_with_duplicate_name_then_saves_it_confirmed(
    api, clerk, region_north, head_office
):
    api.force_authenticate(clerk)
    payload = {"name": HOSPITAL, "kind": "hospital", "region": region_north.pk}
    payload["owner"] = head_office.owner_id  # a clerk names the rep
    refused = api.post("/api/v1/parties/customers/", payload, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "duplicate_name")
    assert refused.json()["extra"]["customers"][0]["code"] == head_office.code
    saved = api.post(
        "/api/v1/parties/customers/", {**payload, "confirm_duplicate_name": True}, format="json"
    )
    assert saved.status_code == 201
    assert "confirm_duplicate_name" not in saved.json()
    assert saved.json()["label"].startswith(f"{HOSPITAL} · ")


@pytest.mark.django_db
def test_the_admin_warns_of_a_taken_name_then_saves_it_when_ticked(
    client, clerk, rep_wang, region_north, head_office
):
    client.force_login(clerk)
    url = reverse("admin:parties_customer_add")
    form = _form(region_north, rep_wang, name=HOSPITAL)
    warned = client.post(url, form)
    html = warned.content.decode()
    assert warned.status_code == 200
    assert reverse("admin:parties_customer_change", args=[head_office.pk]) in html
    assert 'type="checkbox" name="confirm_duplicate_name"' in html
    assert Customer.objects.filter(name=HOSPITAL).count() == 1

    saved = client.post(url, {**form, "confirm_duplicate_name": "on"})
    assert saved.status_code == 302
    assert Customer.objects.filter(name=HOSPITAL).count() == 2


@pytest.mark.django_db
def test_the_confirmation_box_is_hidden_until_a_name_is_refused(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("admin:parties_customer_add")).content.decode()
    assert 'type="hidden" name="confirm_duplicate_name"' in html
    assert 'type="checkbox" name="confirm_duplicate_name"' not in html


def _form(region, owner, **values):
    return {
        "name": "另一家医院",
        "kind": "hospital",
        "grade": "B",
        "region": region.pk,
        "owner": owner.pk,
        "status": "prospect",
        "credit_limit": "0",
        "payment_terms_days": "30",
        "invoice_type": "digital",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "addresses-TOTAL_FORMS": "0",
        "addresses-INITIAL_FORMS": "0",
        **values,
    }
