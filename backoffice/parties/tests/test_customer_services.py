import pytest

from backoffice.core.exceptions import NotAllowed
from backoffice.core.pinyin import pinyin_keys
from backoffice.parties.exceptions import DuplicateTaxId, InvalidTaxId
from backoffice.parties.models import Customer
from backoffice.parties.selectors import customer_list, customer_search
from backoffice.parties.tests.conftest import VALID_USCC


@pytest.mark.django_db
@pytest.mark.parametrize("tax_id", VALID_USCC)
def test_real_unified_social_credit_codes_are_accepted(make_customer, clerk, tax_id):
    customer = make_customer(clerk, name=f"客户{tax_id[-4:]}", tax_id=tax_id.lower())
    assert customer.tax_id == tax_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tax_id", "problem"),
    [
        ("91110000600037341X", "check character"),
        ("9111000060003734", "18 characters"),
        ("91110000600O37341L", "letters"),
    ],
)
def test_a_broken_tax_id_says_what_is_wrong(make_customer, clerk, tax_id, problem):
    with pytest.raises(InvalidTaxId) as caught:
        make_customer(clerk, tax_id=tax_id)
    assert caught.value.status == 400
    assert caught.value.code == "invalid_tax_id"
    assert problem in str(caught.value.message)
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_tax_id_is_refused_unless_marked_as_branch(make_customer, clerk):
    head = make_customer(
        clerk, name="国药控股北京有限公司", kind="distributor", tax_id=VALID_USCC[0]
    )
    with pytest.raises(DuplicateTaxId) as caught:
        make_customer(clerk, name="国药控股北京分公司", kind="distributor", tax_id=VALID_USCC[0])
    assert caught.value.status == 400
    assert caught.value.extra["customer"]["id"] == head.pk
    branch = make_customer(
        clerk, name="国药控股北京分公司", kind="distributor", tax_id=VALID_USCC[0], is_branch=True
    )
    assert branch.pk


@pytest.mark.django_db
def test_the_code_is_generated_when_not_given(make_customer, clerk):
    first = make_customer(clerk)
    second = make_customer(clerk, name="协和医院")
    given = make_customer(clerk, name="朝阳医院", code="BJ-0001")
    assert first.code.endswith("-000001")
    assert second.code.endswith("-000002")
    assert given.code == "BJ-0001"


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("北京医院", "bjyy"),
        ("重庆医药", "cqyy"),
        ("长沙市第一医院", "cssdyyy"),
        ("曾氏药业", "zsyy"),
        ("单县人民医院", "sxrmyy"),
    ],
)
def test_polyphonic_readings_come_out_right(name, initials):
    assert pinyin_keys(name)[1] == initials


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["bjyy", "BJYY", "beijing", "北京", "bjy"])
def test_pinyin_search_finds_the_customer(make_customer, clerk, q):
    make_customer(clerk, name="北京医院")
    make_customer(clerk, name="上海医院")
    assert [c.name for c in customer_search(customer_list(by=clerk), q)] == ["北京医院"]


@pytest.mark.django_db
def test_search_by_code_tax_id_and_phone_and_sorting_by_pinyin(make_customer, clerk):
    make_customer(clerk, name="中山医院", phone="021-64041990")
    make_customer(clerk, name="安贞医院", tax_id=VALID_USCC[1], code="AZ-1")
    make_customer(clerk, name="北京医院")
    customers = customer_list(by=clerk)
    assert [c.name for c in customers] == ["安贞医院", "北京医院", "中山医院"]
    assert [c.name for c in customer_search(customers, "64041990")] == ["中山医院"]
    assert [c.name for c in customer_search(customers, VALID_USCC[1][:10])] == ["安贞医院"]
    assert [c.name for c in customer_search(customers, "AZ-1")] == ["安贞医院"]


@pytest.mark.django_db
def test_a_rep_keeps_only_own_customers(make_customer, rep_wang, rep_li):
    mine = make_customer(rep_wang)
    assert mine.owner == rep_wang
    with pytest.raises(NotAllowed):
        make_customer(rep_wang, name="别人的医院", owner=rep_li)


@pytest.mark.django_db
def test_a_regional_manager_keeps_customers_of_own_regions(
    make_customer, manager_north, region_east, rep_wang
):
    make_customer(manager_north, owner=rep_wang)
    with pytest.raises(NotAllowed):
        make_customer(manager_north, name="华东医院", region=region_east, owner=rep_wang)


@pytest.mark.django_db
def test_creating_a_customer_is_audited(make_customer, clerk):
    from backoffice.audit.models import AuditEvent

    customer = make_customer(clerk)
    event = AuditEvent.objects.get(model="parties.customer", object_id=str(customer.pk))
    assert event.actor == clerk
    assert event.changes["name"] == [None, "北京医院"]
