"""Every model declares its scope (issue 15 §2), and a reader of another region finds none of
a region's rows: not in the admin's lists, 404 on every page of one record that the admin
serves (discovered from its get_urls), 404 in the audit trail's API. New models and new
pages are covered without editing this file: the models come from the app registry, the
rows from the apps' factories, the pages from the admins' URLs.
"""

import importlib
import io
import pkgutil

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.forms import ModelChoiceField
from django.test import Client
from django.urls import get_resolver, reverse
from factory.django import DjangoModelFactory
from rest_framework.test import APIClient

import backoffice
from backoffice.accounts.models import Region, User
from backoffice.accounts.tests.factories import RegionFactory, UserFactory
from backoffice.core import access
from backoffice.core.access import has_declared_scope, is_global, visibility_selector
from backoffice.core.admin import BaseModelAdmin, VisibleRows
from backoffice.core.checks import model_scope_check

# The admin's pages of one record that only change things (POST), or that another rule
# answers (deletion is refused to most people whatever the row).
NOT_READ_PAGES = {"step", "delete"}


def _factories() -> dict[str, type[DjangoModelFactory]]:
    """Each app's factories (backoffice/<app>/tests/factories.py), by model label; the
    first factory of a model is its default one."""
    found: dict[str, type[DjangoModelFactory]] = {}
    names = [f"backoffice.{m.name}" for m in pkgutil.iter_modules(backoffice.__path__)]
    for name in [*names, "tests.testapp"]:
        try:
            module = importlib.import_module(f"{name}.tests.factories")
        except ModuleNotFoundError:
            try:
                module = importlib.import_module(f"{name}.factories")
            except ModuleNotFoundError:
                continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DjangoModelFactory)
                and value._meta.model is not None
                and value.__module__ == module.__name__
            ):
                model = value._meta.model
                if isinstance(model, str):
                    model = apps.get_model(model)
                found.setdefault(model._meta.label_lower, value)
    return found


FACTORIES = _factories()
SCOPED = sorted(label for label in FACTORIES if visibility_selector(label) is not None)


# --- every model, every admin, every record type of the audit trail declares a scope ------


def test_every_model_and_admin_declares_its_scope():
    undeclared = [m._meta.label_lower for m in apps.get_models() if not has_declared_scope(m)]
    assert undeclared == []
    unscoped_admins = [
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if not has_declared_scope(model)
        or (not is_global(model._meta.label_lower) and not isinstance(model_admin, VisibleRows))
    ]
    assert unscoped_admins == []
    assert model_scope_check() == []


def test_the_scoped_rows_are_tested():
    """The models the issue named are among those checked region by region below."""
    for label in [
        "parties.callrecord",
        "parties.visit",
        "parties.feedback",
        "parties.contact",
        "ledger.supplierinvoice",
        "ledger.supplierpayment",
        "accounts.user",
    ]:
        assert label in SCOPED


@pytest.fixture
def forget_scope(monkeypatch):
    """A model as if its app had declared nothing."""

    def forget(label: str) -> None:
        monkeypatch.delitem(access._visibility, label, raising=False)
        monkeypatch.setattr(access, "_global", access._global - {label})

    return forget


def test_a_model_without_a_scope_stops_the_start_up(forget_scope):
    forget_scope("parties.visit")
    errors = model_scope_check()
    assert [e.id for e in errors] == ["backoffice.E010"]
    assert "parties.visit" in errors[0].msg


@pytest.mark.django_db
def test_a_model_without_a_scope_is_refused_at_request_time(forget_scope, rf):
    from backoffice.parties.models import Visit

    forget_scope("parties.visit")
    request = rf.get("/")
    request.user = UserFactory(role="admin", region_codes=[])
    with pytest.raises(ImproperlyConfigured):
        admin.site._registry[Visit].get_queryset(request)
    client = Client(raise_request_exception=True)
    client.force_login(request.user)
    with pytest.raises(ImproperlyConfigured):
        client.get(reverse("audit-event-list"), {"model": "parties.visit"})


# --- a row of region A: a reader of region B sees nothing of it, a reader of A sees it ------


def _reader(region: Region) -> User:
    """A staff reader of one region: every model's view permission and every "of my
    regions" permission, but none that shows all (view_all_*, the general ledger)."""
    user = UserFactory(role="rep", region_codes=[region.code])
    permissions = Permission.objects.filter(codename__startswith="view_").exclude(
        codename__startswith="view_all_"
    )
    user.user_permissions.set(permissions.exclude(codename="view_general_ledger"))
    return User.objects.get(pk=user.pk)  # without the permission cache


def _rehome(region: Region, owner: User, readers: list[User]) -> None:
    """Everything the factories made belongs to `region` and `owner` (the test database
    holds only this test's rows)."""
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        changes = {}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Region:
                changes[field.name] = region
            elif field.name == "region_id":  # the figures' plain ids
                changes[field.name] = region.pk
            elif field.name == "owner" and field.related_model is User:
                changes[field.name] = owner
            elif field.name == "owner_id":
                changes[field.name] = owner.pk
        if changes:
            model._default_manager.update(**changes)
    for person in User.objects.exclude(pk__in=[r.pk for r in readers]):
        person.regions.set([region])
    # What names no customer (a journal entry's lines) names one of the region's.
    customer_model = apps.get_model("parties.customer")
    customer = customer_model._default_manager.filter(region=region).first()
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if field.null and getattr(field, "related_model", None) is customer_model:
                customer = customer or FACTORIES["parties.customer"](region=region, owner=owner)
                model._default_manager.filter(**{f"{field.name}__isnull": True}).update(
                    **{field.name: customer}
                )


def _row(label: str):
    model = apps.get_model(label)
    factory = FACTORIES[label]
    if label == "audit.auditevent":  # the trail of one of the region's customers
        customer = FACTORIES["parties.customer"]()
        return factory(model="parties.customer", object_id=str(customer.pk))
    obj = factory()
    return model._default_manager.get(pk=obj.pk)


def _api_pages(label: str, pk) -> list[tuple[str, str]]:
    """("detail" or "list", url) of the API's pages of the model, found in the URL
    configuration by their names: `<resource>-detail` and `<resource>-list` under
    /api/v1/<app>/, the resource being the model's name (`history-order` is
    `historyorder`), its app's prefix (`order` of sales is `salesorder`) or the start of
    no other scoped model's name in the app (`call` is `callrecord`)."""
    model = apps.get_model(label)
    opts = model._meta
    pages = []
    for app_pattern in get_resolver().url_patterns:
        if not str(app_pattern.pattern).startswith("api/"):
            continue
        for pattern in _flatten(app_pattern, str(app_pattern.pattern)):
            prefix, route = pattern
            name = route.name or ""
            kind = name.rsplit("-", 1)[-1]
            if kind not in {"detail", "list"} or f"/{opts.app_label}/" not in f"/{prefix}":
                continue
            resource = name.rsplit("-", 1)[0].replace("-", "")
            siblings = [s for s in SCOPED if s.startswith(f"{opts.app_label}.")]
            starts = [s for s in siblings if s.split(".")[1].startswith(resource)]
            if opts.model_name not in {resource, opts.app_label + resource} and starts != [label]:
                continue
            converters = route.pattern.converters
            if kind == "detail" and list(converters) == ["pk"]:
                pages.append((kind, reverse(name, kwargs={"pk": pk})))
            elif kind == "list" and not converters:
                pages.append((kind, reverse(name)))
    return pages


def _flatten(pattern, prefix: str):
    for child in getattr(pattern, "url_patterns", []):
        if hasattr(child, "url_patterns"):
            yield from _flatten(child, prefix + str(child.pattern))
        else:
            yield prefix + str(child.pattern), child


def _exported_rows(client: Client, changelist: str) -> int:
    """How many records the list's Excel export holds (its rows below the heading)."""
    answer = client.get(f"{changelist}export-xlsx/")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True).active
    return sum(1 for row in sheet.iter_rows(values_only=True) if any(row)) - 1


def _record_pages(label: str, pk) -> list[tuple[str, str]]:
    """(name, url) of each page of one record the model's admin serves."""
    model = apps.get_model(label)
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return []
    pages = []
    for pattern in model_admin.get_urls():
        route = str(pattern.pattern)
        if not pattern.name or ("<path:object_id>" not in route and "<int:pk>" not in route):
            continue
        suffix = pattern.name.rsplit("_", 1)[-1]
        if suffix in NOT_READ_PAGES or len(pattern.pattern.converters) != 1:
            continue
        arg = next(iter(pattern.pattern.converters))
        pages.append((suffix, reverse(f"admin:{pattern.name}", kwargs={arg: pk})))
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("label", SCOPED)
def test_a_reader_of_another_region_gets_nothing_of_a_row(label):
    region_a = RegionFactory(code="scope-a", name="甲区")
    region_b = RegionFactory(code="scope-b", name="乙区")
    reader_a, reader_b = _reader(region_a), _reader(region_b)
    row = _row(label)
    _rehome(region_a, reader_a, [reader_a, reader_b])
    model = apps.get_model(label)

    assert access.visible_rows(model, reader_a).filter(pk=row.pk).exists()
    assert not access.visible_rows(model, reader_b).filter(pk=row.pk).exists()

    a, b = Client(), Client()
    a.force_login(reader_a)
    b.force_login(reader_b)

    model_admin = admin.site._registry.get(model)
    if model_admin is not None:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        seen_by_a = a.get(changelist)
        assert seen_by_a.status_code == 200
        assert seen_by_a.context_data["cl"].queryset.filter(pk=row.pk).exists()
        seen_by_b = b.get(changelist)
        assert seen_by_b.status_code == 200
        assert not seen_by_b.context_data["cl"].queryset.filter(pk=row.pk).exists()
        if isinstance(model_admin, BaseModelAdmin):  # the Excel export reads the same list
            exported = _exported_rows(b, changelist)
            assert exported == access.visible_rows(model, reader_b).count()
            assert exported < model._default_manager.count()

    for name, url in _record_pages(label, row.pk):
        answer = b.get(url).status_code
        if answer == 405:  # a page that only takes a POST (review, attach): post nothing
            answer = b.post(url).status_code
        assert answer == 404, (name, url, answer)
        answer = a.get(url).status_code
        assert answer < 400 or answer == 405, (name, url, answer)
        if name in {"change", "history"}:
            assert answer == 200, (name, url, answer)

    api_a, api_b = APIClient(), APIClient()
    api_a.force_authenticate(reader_a)
    api_b.force_authenticate(reader_b)
    for kind, url in _api_pages(label, row.pk):
        if kind == "detail":
            assert api_b.get(url).status_code == 404, url
            assert api_a.get(url).status_code == 200, url
            continue
        listed = {}
        for who, client in [("a", api_a), ("b", api_b)]:
            answer = client.get(url, {"limit": 500})
            if answer.status_code == 200:  # a list that needs a parameter is not a list
                listed[who] = {item.get("id") for item in answer.json()["results"]}
        if listed:
            assert row.pk in listed["a"], url
            assert row.pk not in listed["b"], url

    trail = reverse("audit-event-list")
    query = {"model": label, "object_id": row.pk}
    assert b.get(trail, query).status_code == 404
    assert a.get(trail, query).status_code == 200


def _pickers() -> list[tuple[str, str, str]]:
    """(target label, source admin's model label, field) of every autocomplete picker whose
    records have a scope."""
    found = []
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.autocomplete_fields:
            target = model._meta.get_field(name).related_model._meta.label_lower
            if target in SCOPED:
                found.append((target, model._meta.label_lower, name))
    return sorted(found)


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "source", "field"), _pickers())
def test_a_picker_offers_only_the_records_of_ones_regions(target, source, field):
    region_a = RegionFactory(code="scope-a", name="甲区")
    region_b = RegionFactory(code="scope-b", name="乙区")
    reader_a, reader_b = _reader(region_a), _reader(region_b)
    row = _row(target)
    _rehome(region_a, reader_a, [reader_a, reader_b])
    app_label, model_name = source.split(".")
    query = {"app_label": app_label, "model_name": model_name, "field_name": field, "term": ""}
    offered = {}
    for who, reader in [("a", reader_a), ("b", reader_b)]:
        client = Client()
        client.force_login(reader)
        answer = client.get(reverse("admin:autocomplete"), query)
        assert answer.status_code == 200
        offered[who] = {item["id"] for item in answer.json()["results"]}
    assert str(row.pk) in offered["a"]
    assert str(row.pk) not in offered["b"]


# --- the choices of every admin form: nothing of another region, by name or by id ----------


def _scoped_choices(form) -> list[tuple[str, object]]:
    """(field name, queryset) of each choice of related rows that have a scope."""
    return [
        (name, field.queryset)
        for name, field in form.fields.items()
        if isinstance(field, ModelChoiceField)
        and field.queryset is not None
        and field.queryset.model._meta.label_lower in SCOPED
    ]


def _admin_forms(model_admin, request) -> list:
    """The add page's form and each of its inlines' forms, as the admin builds them."""
    forms = [model_admin.get_form(request, None)()]
    for formset, _inline in model_admin.get_formsets_with_inlines(request, None):
        forms.append(formset.form())
    return forms


@pytest.mark.django_db
def test_no_admin_form_offers_a_row_of_another_region(rf):
    """Every admin's add form and inline forms, every foreign-key and many-to-many choice:
    a reader of region B is offered only rows she may see, though region A has rows of every
    kind (the dropdowns listed every customer, contact and user of the company)."""
    region_a = RegionFactory(code="scope-a", name="甲区")
    region_b = RegionFactory(code="scope-b", name="乙区")
    reader_a, reader_b = _reader(region_a), _reader(region_b)
    admins = [a for a in admin.site._registry.values() if isinstance(a, BaseModelAdmin)]
    request = rf.get("/")
    request.user = User.objects.create_superuser(username="scope_root", password="x")
    targets = {
        queryset.model._meta.label_lower
        for model_admin in admins
        for form in _admin_forms(model_admin, request)
        for _name, queryset in _scoped_choices(form)
    }
    assert {"parties.customer", "parties.contact", "accounts.user"} <= targets
    for label in targets:
        _row(label)
    _rehome(region_a, reader_a, [reader_a, reader_b])

    request.user = reader_b
    checked, leaks = 0, []
    for model_admin in admins:
        for form in _admin_forms(model_admin, request):
            for name, queryset in _scoped_choices(form):
                visible = access.visible_rows(queryset.model, reader_b).values("pk")
                checked += 1
                if queryset.exclude(pk__in=visible).exists():
                    leaks.append(f"{model_admin.model._meta.label_lower}.{name}")
    assert checked > 10
    assert leaks == []


@pytest.mark.django_db
def test_a_rep_picks_and_posts_only_the_customers_of_her_region(rep_wang, rep_li, region_north):
    """On a call record's page an east rep is offered no north customer or contact, and a
    north customer's id posted anyway is refused beside the field; nothing is saved."""
    from django.utils import timezone

    from backoffice.parties.models import CallRecord, Contact
    from backoffice.parties.services import customer_create

    north = customer_create(by=rep_wang, name="北京协和医院", kind="hospital", region=region_north)
    Contact.objects.create(customer=north, name="赵主任")
    client = Client()
    client.force_login(rep_li)
    page = client.get("/parties/callrecord/add/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert not form.fields["customer"].queryset.filter(pk=north.pk).exists()
    assert not form.fields["contact"].queryset.exists()
    assert "赵主任" not in page.content.decode()
    answer = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "parties", "model_name": "callrecord", "field_name": "customer"},
    )
    assert answer.json()["results"] == []

    now = timezone.localtime()
    posted = client.post(
        "/parties/callrecord/add/",
        {
            "customer": north.pk,
            "contact": north.contacts.get().pk,
            "called_at_0": now.date().isoformat(),
            "called_at_1": now.strftime("%H:%M:%S"),
            "inventory-TOTAL_FORMS": "0",
            "inventory-INITIAL_FORMS": "0",
            "inventory-MIN_NUM_FORMS": "0",
            "inventory-MAX_NUM_FORMS": "1000",
        },
    )
    assert posted.status_code == 200
    errors = posted.context["adminform"].form.errors
    assert "customer" in errors and "contact" in errors
    assert "Select a valid choice" in str(errors["customer"])
    assert "北京协和医院" not in posted.content.decode()
    assert not CallRecord.objects.exists()


@pytest.mark.django_db
def test_a_saved_link_to_a_row_one_may_not_see_stays_a_choice(
    rf, rep_wang, rep_li, manager_north, region_north
):
    """A rep's visit hosted by her manager (a person she may not look up): the change form
    keeps the manager as its value, so saving it unchanged is no error, and offers no one
    else she may not see."""
    from backoffice.parties.models import Visit
    from backoffice.parties.services import customer_create
    from backoffice.parties.tests.factories import VisitFactory

    customer = customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north)
    visit = VisitFactory(customer=customer, host=manager_north)
    request = rf.get("/")
    request.user = rep_wang
    model_admin = admin.site._registry[Visit]
    form = model_admin.get_form(request, visit, change=True)(instance=visit)
    assert set(form.fields["host"].queryset) == {rep_wang, manager_north}
    assert set(form.fields["customer"].queryset) == {customer}
    new = model_admin.get_form(request, None)()
    assert set(new.fields["host"].queryset) == {rep_wang}


def _reviewable() -> list[str]:
    """Every kind of document the review engine knows."""
    from backoffice.reviews.registry import registrations

    return sorted(r.kind for r in registrations())


def _terms_change():
    from backoffice.parties.services import customer_terms_change_request

    clerk = UserFactory(role="clerk", region_codes=[])
    customer = FACTORIES["parties.customer"]()
    return customer_terms_change_request(
        customer=customer, by=clerk, credit_limit="100.00", reason="新客户"
    )


def _reversal():
    from django.contrib.contenttypes.models import ContentType

    from backoffice.reviews.models import ReversalRequest
    from backoffice.reviews.reversals import reversal_code
    from backoffice.sales.models import SalesOrder

    order = FACTORIES["sales.salesorder"](status="approved")
    return ReversalRequest.objects.create(
        action=reversal_code(SalesOrder, "cancel"),
        content_type=ContentType.objects.get_for_model(SalesOrder),
        object_id=order.pk,
        object_repr=str(order),
        reason="客户取消",
        requested_by=UserFactory(),
    )


# Documents under review that no factory makes: built through their services.
REVIEW_DOCUMENTS = {
    "parties.customertermschange": _terms_change,
    "reviews.reversalrequest": _reversal,
}


@pytest.mark.django_db
@pytest.mark.parametrize("label", _reviewable())
def test_a_review_waits_only_for_reviewers_who_may_see_its_document(label):
    """Whatever the kind of document: its open review is in the queue of a reviewer of its
    region, never in that of a reviewer of another region, who may not decide on it either
    (the same 404 as a missing document)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from backoffice.core.exceptions import NotFound
    from backoffice.reviews.models import ReviewRequest
    from backoffice.reviews.selectors import review_pending_for
    from backoffice.reviews.services import review_decide

    region_a = RegionFactory(code="scope-a", name="甲区")
    region_b = RegionFactory(code="scope-b", name="乙区")
    reader_a, reader_b = _reader(region_a), _reader(region_b)
    document = REVIEW_DOCUMENTS[label]() if label in REVIEW_DOCUMENTS else _row(label)
    _rehome(region_a, reader_a, [reader_a, reader_b])
    level = {"position": 1, "approvals": 1, "permission": "parties.view_customer", "role": ""}
    review, _new = ReviewRequest.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(document),
        object_id=document.pk,
        defaults={
            "kind": label,
            "object_repr": str(document)[:200],
            "author": UserFactory(),
            "state": ReviewRequest.State.OPEN,
            "levels": [level],
            "level_index": 0,
            "current_permission": level["permission"],
            "current_role": "",
            "submitted_at": timezone.now(),
        },
    )
    review.excluded_reviewers.clear()
    assert review in review_pending_for(reader_a)
    assert review not in review_pending_for(reader_b)
    with pytest.raises(NotFound):
        review_decide(request=review, by=reader_b, verdict="approve")
    assert not review.decisions.exists()
