"""The customer's rep (owner) is a rep of its region, chosen by clerks and managers; a rep
keeps her own. The licensed business scope (经营范围) is kept on the customer."""

import pytest

from backoffice.accounts.services import user_create
from backoffice.audit.models import AuditEvent
from backoffice.catalog.models import ProductCategory
from backoffice.core.exceptions import NotAllowed, ValidationFailed
from backoffice.parties.models import Customer
from backoffice.parties.services import customer_create, customer_update


@pytest.fixture
def rep_sun(region_north):
    return user_create(username="rep_sun", role="rep", region_codes=["north"], full_name="孙涛")


@pytest.fixture
def categories(db):
    return [
        ProductCategory.objects.create(code="rx", name="处方药"),
        ProductCategory.objects.create(code="device3", name="三类医疗器械"),
    ]


def _new(by, region, **data):
    return customer_create(by=by, name="北京医院", kind="hospital", region=region, **data)


# --- services ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clerk_assigns_any_rep_of_the_region(clerk, rep_wang, rep_sun, region_north):
    customer = _new(clerk, region_north, owner=rep_wang)
    assert customer.owner == rep_wang
    customer = customer_update(customer=customer, by=clerk, owner=rep_sun)
    assert customer.owner == rep_sun
    assert AuditEvent.objects.filter(
        model="parties.customer", object_id=str(customer.pk), changes__has_key="owner"
    ).exists()


@pytest.mark.django_db
def test_a_clerk_is_no_rep_and_another_regions_rep_is_refused(
    clerk, rep_li, region_north, region_east
):
    with pytest.raises(ValidationFailed) as caught:
        _new(clerk, region_north)  # she would own it herself
    assert "owner" in caught.value.extra["fields"]
    with pytest.raises(ValidationFailed) as caught:
        _new(clerk, region_north, owner=rep_li)
    assert "李娜" in caught.value.extra["fields"]["owner"][0]
    assert not Customer.objects.exists()
    assert _new(clerk, region_east, owner=rep_li).owner == rep_li


@pytest.mark.django_db
def test_an_inactive_rep_cannot_be_the_owner(clerk, rep_wang, region_north):
    rep_wang.is_active = False
    rep_wang.save()
    with pytest.raises(ValidationFailed):
        _new(clerk, region_north, owner=rep_wang)


@pytest.mark.django_db
def test_a_rep_keeps_her_own_and_cannot_hand_them_to_another_rep(rep_wang, rep_sun, region_north):
    mine = _new(rep_wang, region_north)
    assert mine.owner == rep_wang
    with pytest.raises(NotAllowed):
        customer_update(customer=mine, by=rep_wang, owner=rep_sun)
    with pytest.raises(NotAllowed):
        _new(rep_wang, region_north, owner=rep_sun)
    mine.refresh_from_db()
    assert mine.owner == rep_wang


@pytest.mark.django_db
def test_a_regional_manager_assigns_reps_of_own_regions(
    manager_north, rep_wang, rep_li, region_north
):
    customer = _new(manager_north, region_north, owner=rep_wang)
    assert customer.owner == rep_wang
    with pytest.raises(ValidationFailed):
        customer_update(customer=customer, by=manager_north, owner=rep_li)


@pytest.mark.django_db
def test_moving_a_customer_to_another_region_needs_a_rep_of_that_region(
    clerk, rep_wang, rep_li, region_north, region_east
):
    customer = _new(clerk, region_north, owner=rep_wang)
    with pytest.raises(ValidationFailed):
        customer_update(customer=customer, by=clerk, region=region_east)
    moved = customer_update(customer=customer, by=clerk, region=region_east, owner=rep_li)
    assert (moved.region, moved.owner) == (region_east, rep_li)


@pytest.mark.django_db
def test_an_old_customer_kept_by_a_clerk_can_still_be_edited(clerk, rep_wang, region_north):
    customer = _new(clerk, region_north, owner=rep_wang)
    Customer.objects.filter(pk=customer.pk).update(owner=clerk)  # data from before the rule
    updated = customer_update(customer=customer, by=clerk, grade="A")
    assert (updated.grade, updated.owner) == ("A", clerk)


@pytest.mark.django_db
def test_a_supplier_is_kept_by_whoever_buys_from_it(clerk, region_north):
    supplier = customer_create(by=clerk, name="华北制药", kind="supplier", region=region_north)
    assert supplier.owner == clerk


@pytest.mark.django_db
def test_orders_carry_the_customers_rep(clerk, rep_wang, region_north):
    from decimal import Decimal

    from backoffice.catalog.services import product_save
    from backoffice.sales.services import order_create

    customer = _new(clerk, region_north, owner=rep_wang)
    product = product_save(by=clerk, code="P1", name="阿莫西林胶囊", list_price=Decimal("18.50"))
    order = order_create(customer=customer, by=clerk, lines=[{"product": product, "quantity": "1"}])
    assert order.owner == rep_wang


@pytest.mark.django_db
def test_the_business_scope_is_kept_and_audited(clerk, rep_wang, region_north, categories):
    customer = _new(clerk, region_north, owner=rep_wang, business_scope=[categories[0]])
    assert list(customer.business_scope.all()) == [categories[0]]
    customer_update(customer=customer, by=clerk, business_scope=categories)
    assert set(customer.business_scope.all()) == set(categories)
    assert AuditEvent.objects.filter(
        model="parties.customer", object_id=str(customer.pk), changes__has_key="business_scope"
    ).exists()
    customer_update(customer=customer, by=clerk, grade="A")  # not given: unchanged
    assert customer.business_scope.count() == 2


# --- staff UI -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_owner_field_lists_the_reps_with_their_regions(
    client, clerk, rep_wang, rep_li, region_north
):
    client.force_login(clerk)
    form = client.get("/parties/customer/add/").context["adminform"].form
    owner = form.fields["owner"]
    labels = {owner.label_from_instance(user) for user in owner.queryset}
    assert labels == {"王磊（华北大区）", "李娜（华东大区）"}  # not the clerk herself
    assert form.initial.get("owner") is None


@pytest.mark.django_db
def test_a_rep_is_offered_only_herself(client, rep_wang, rep_sun):
    client.force_login(rep_wang)
    form = client.get("/parties/customer/add/").context["adminform"].form
    assert list(form.fields["owner"].queryset) == [rep_wang]
    assert form.initial["owner"] == rep_wang.pk


@pytest.mark.django_db
def test_a_clerk_adds_a_customer_for_a_rep_with_its_scope(
    client, clerk, rep_wang, rep_li, region_north, categories
):
    client.force_login(clerk)
    data = {
        "code": "BJ-XH",
        "name": "北京协和医院",
        "kind": "hospital",
        "grade": "A",
        "region": region_north.pk,
        "status": "active",
        "credit_limit": "0",
        "payment_terms_days": "30",
        "invoice_type": "digital",
        "business_scope": [categories[0].pk],
        **{
            f"{prefix}-{key}": value
            for prefix in ("contacts", "addresses", "qualifications")
            for key, value in {
                "TOTAL_FORMS": "0",
                "INITIAL_FORMS": "0",
                "MIN_NUM_FORMS": "0",
                "MAX_NUM_FORMS": "1000",
            }.items()
        },
    }
    wrong = client.post("/parties/customer/add/", {**data, "owner": rep_li.pk})
    assert wrong.status_code == 200
    assert "李娜" in str(wrong.context["adminform"].form.errors["owner"])
    done = client.post("/parties/customer/add/", {**data, "owner": rep_wang.pk})
    assert done.status_code == 302, done.context["adminform"].form.errors
    customer = Customer.objects.get()
    assert customer.owner == rep_wang
    assert list(customer.business_scope.all()) == [categories[0]]


# --- API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_assigns_the_rep_and_the_scope_by_codes(
    api, clerk, rep_wang, rep_li, region_north, categories
):
    api.force_authenticate(clerk)
    payload = {"name": "北京医院", "kind": "hospital", "region": region_north.pk}
    refused = api.post("/api/v1/parties/customers/", payload, format="json")
    assert refused.status_code == 400
    assert "owner" in refused.json()["extra"]["fields"]
    wrong = api.post("/api/v1/parties/customers/", {**payload, "owner": rep_li.pk}, format="json")
    assert wrong.status_code == 400
    created = api.post(
        "/api/v1/parties/customers/",
        {**payload, "owner": rep_wang.pk, "business_scope": ["rx"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["owner"], body["business_scope"]) == (rep_wang.pk, ["rx"])
    changed = api.patch(
        f"/api/v1/parties/customers/{body['id']}/",
        {"business_scope": ["rx", "device3"]},
        format="json",
    )
    assert sorted(changed.json()["business_scope"]) == ["device3", "rx"]
    unknown = api.patch(
        f"/api/v1/parties/customers/{body['id']}/", {"business_scope": ["nope"]}, format="json"
    )
    assert unknown.status_code == 400
    listed = api.get("/api/v1/parties/customers/").json()["results"]
    assert sorted(listed[0]["business_scope"]) == ["device3", "rx"]


@pytest.mark.django_db
def test_a_rep_cannot_reassign_through_the_api(api, rep_wang, rep_sun, region_north):
    mine = _new(rep_wang, region_north)
    api.force_authenticate(rep_wang)
    response = api.patch(
        f"/api/v1/parties/customers/{mine.pk}/", {"owner": rep_sun.pk}, format="json"
    )
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.owner == rep_wang
