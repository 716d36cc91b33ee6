"""A hot read whose SQL is built once (core.prepared): the same instances as the QuerySet it
is declared with (select_related, annotations, converted values), built once per database,
and refused when a value would not be a parameter of its own."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from backoffice.core.prepared import PreparedRead
from backoffice.parties.models import Customer, Qualification
from backoffice.parties.services import customer_create

pytestmark = pytest.mark.django_db


def _customers(region_id: int, kind: str):
    return (
        Customer.objects.filter(region_id=region_id, kind=kind)
        .select_related("region", "owner")
        .annotate(has_papers=Exists(Qualification.objects.filter(customer=OuterRef("pk"))))
        .order_by("code")
    )


@pytest.fixture
def customers(hospital, rep_wang, region_north, region_east):
    return [
        hospital,
        customer_create(by=rep_wang, name="天坛医院", kind="hospital", region=region_north),
        customer_create(by=rep_wang, name="同仁药店", kind="pharmacy", region=region_north),
    ]


def test_the_same_instances_as_the_queryset(customers, region_north):
    read = PreparedRead(_customers, int, str)
    for kind in ("hospital", "pharmacy", "clinic"):
        expected = list(_customers(region_north.pk, kind))
        found = read(region_north.pk, kind)
        assert [c.pk for c in found] == [c.pk for c in expected]
        for mine, theirs in zip(found, expected, strict=True):
            assert mine.__dict__.keys() == theirs.__dict__.keys()
            assert (mine.name, mine.created_at, mine.has_papers) == (
                theirs.name,
                theirs.created_at,
                theirs.has_papers,
            )
            with CaptureQueriesContext(connection) as queries:
                assert (mine.region.name, mine.owner.username) == (
                    theirs.region.name,
                    theirs.owner.username,
                )
            assert not queries.captured_queries  # joined, as select_related does
    assert [c.has_papers for c in read(region_north.pk, "hospital")] == [True, False]


def test_built_once_then_one_statement_a_call(customers, region_north):
    built = []

    def build(region_id: int, kind: str):
        built.append((region_id, kind))
        return _customers(region_id, kind)

    read = PreparedRead(build, int, str)
    read(region_north.pk, "hospital")
    times = len(built)
    for kind in ("hospital", "pharmacy"):
        with CaptureQueriesContext(connection) as queries:
            read(region_north.pk, kind)
        assert len(queries.captured_queries) == 1
    assert len(built) == times  # no QuerySet built again
    assert all(value != region_north.pk for value, _ in built)  # built from stand-ins only


def test_get_as_the_queryset_does(customers, region_north):
    read = PreparedRead(lambda pk: Customer.objects.filter(pk=pk), int)
    assert read.get(customers[1].pk).name == "天坛医院"
    with pytest.raises(Customer.DoesNotExist):
        read.get(10**9)
    many = PreparedRead(lambda region_id: Customer.objects.filter(region_id=region_id), int)
    with pytest.raises(Customer.MultipleObjectsReturned):
        many.get(region_north.pk)


def test_a_value_folded_into_a_pattern_is_refused(customers):
    read = PreparedRead(lambda name: Customer.objects.filter(name__contains=name), str)
    with pytest.raises(ImproperlyConfigured, match="not a parameter of its own"):
        read("医院")


def test_values_of_the_declared_kinds_only(customers, region_north):
    read = PreparedRead(_customers, int, str)
    with pytest.raises(TypeError):
        read(str(region_north.pk), "hospital")
    with pytest.raises(TypeError):
        read(True, "hospital")
    with pytest.raises(TypeError):
        read(region_north.pk)
    with pytest.raises(TypeError):
        PreparedRead(_customers, float)


def test_instances_only():
    read = PreparedRead(lambda pk: Customer.objects.filter(pk=pk).values("name"), int)
    with pytest.raises(ImproperlyConfigured, match="instances only"):
        read(1)


@pytest.mark.django_db(transaction=True)  # outside any transaction, as a script's call is
def test_a_lock_inside_a_transaction_only(customers):
    read = PreparedRead(lambda pk: Customer.objects.select_for_update().filter(pk=pk), int)
    with transaction.atomic():
        assert read.get(customers[0].pk).pk == customers[0].pk
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            read(customers[0].pk)


@pytest.mark.django_db(transaction=True)
def test_built_in_one_thread_read_in_another(customers, region_north):
    """The SQL is kept for every thread; each call runs on its own thread's connection."""
    read = PreparedRead(_customers, int, str)
    assert len(read(region_north.pk, "hospital")) == 2
    found = []

    def other_thread() -> None:
        try:
            found.append(len(read(region_north.pk, "hospital")))
        finally:
            connection.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert found == [2]


def test_a_save_of_some_fields_is_one_written_update(customers):
    customer = Customer.objects.get(pk=customers[1].pk)
    before = customer.updated_at
    customer.name, customer.credit_limit = "天坛医院（新院区）", Decimal("1234.50")
    customer.address = "never written: not among the fields"
    with CaptureQueriesContext(connection) as queries:
        customer.save(update_fields=["name", "credit_limit"])
    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert "address" not in update
    again = Customer.objects.get(pk=customer.pk)
    assert (again.name, again.credit_limit) == ("天坛医院（新院区）", Decimal("1234.50"))
    assert again.address != customer.address
    assert again.updated_at > before  # the version moves with every save


def test_a_save_of_a_row_gone_or_of_an_expression(customers):
    customer = Customer.objects.get(pk=customers[1].pk)
    customer.credit_limit = F("credit_limit") + 1  # the ORM's: it is read back
    customer.save(update_fields=["credit_limit"])
    customer.refresh_from_db()
    gone = Customer.objects.get(pk=customers[2].pk)
    Customer.objects.filter(pk=gone.pk).delete()
    gone.name = "已删除"
    with pytest.raises(Customer.NotUpdated):
        gone.save(update_fields=["name"])


def test_a_new_instance_is_one_written_insert_with_its_id_back(rep_wang, region_north):
    from backoffice.core.prepared import _insert_statement

    _insert_statement.cache_clear()
    made = []
    for code, name in (("T1", "天坛医院"), ("T2", "同仁药店")):
        customer = Customer(
            code=code, name=name, kind="hospital", region=region_north, owner=rep_wang
        )
        customer.credit_limit = Decimal("1000.10")
        with CaptureQueriesContext(connection) as queries:
            customer.save()
        [insert] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
        assert insert.startswith('INSERT INTO "parties_customer" (')
        made.append(customer)
    assert _insert_statement.cache_info().currsize == 1  # written once, for both
    assert made[0].pk and made[1].pk > made[0].pk
    for customer in made:
        again = Customer.objects.get(pk=customer.pk)
        assert (again.name, again.credit_limit, again.region_id) == (
            customer.name,
            Decimal("1000.10"),
            region_north.pk,
        )
        assert again.created_at == customer.created_at and customer.created_at is not None


def test_a_new_instance_with_an_expression_or_its_own_id_is_saved_too(rep_wang, region_north):
    from django.db.models import Value
    from django.db.models.functions import Upper

    expressed = Customer(
        code="T3", name=Upper(Value("abc")), kind="hospital", region=region_north, owner=rep_wang
    )
    expressed.save()  # the ORM's
    assert Customer.objects.get(pk=expressed.pk).name == "ABC"
    own = Customer(
        pk=987654, code="T4", name="自带编号", kind="hospital", region=region_north, owner=rep_wang
    )
    own.save(force_insert=True)
    assert Customer.objects.get(pk=987654).name == "自带编号"
