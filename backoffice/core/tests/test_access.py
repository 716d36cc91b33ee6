import pytest

from backoffice.core.exceptions import NotFound
from tests.testapp.models import Voucher
from tests.testapp.selectors import access_voucher, voucher_visible_to


@pytest.fixture
def vouchers(rep_wang, rep_li, region_north, region_east):
    return {
        "north": Voucher.objects.create(title="north", owner=rep_wang, region=region_north),
        "east": Voucher.objects.create(title="east", owner=rep_li, region=region_east),
    }


@pytest.fixture
def grant():
    from django.contrib.auth.models import Permission

    def _grant(user, codename):
        user.user_permissions.add(Permission.objects.get(codename=codename))
        return type(user).objects.get(pk=user.pk)  # fresh permission cache

    return _grant


@pytest.mark.django_db
def test_a_rep_sees_only_own_records(vouchers, rep_wang, rep_li):
    assert set(voucher_visible_to(rep_wang)) == {vouchers["north"]}
    assert set(voucher_visible_to(rep_li)) == {vouchers["east"]}


@pytest.mark.django_db
def test_a_regional_manager_sees_the_region(vouchers, manager_north, grant):
    manager = grant(manager_north, "view_region_vouchers")
    assert set(voucher_visible_to(manager)) == {vouchers["north"]}


@pytest.mark.django_db
def test_those_with_the_all_permission_see_everything(vouchers, clerk, grant):
    assert set(voucher_visible_to(grant(clerk, "view_all_vouchers"))) == set(vouchers.values())


@pytest.mark.django_db
def test_an_outsider_and_an_inactive_user_see_nothing(vouchers, outsider, rep_wang):
    assert list(voucher_visible_to(outsider)) == []
    rep_wang.is_active = False
    assert list(voucher_visible_to(rep_wang)) == []


@pytest.mark.django_db
def test_not_visible_looks_exactly_like_not_found(vouchers, rep_wang):
    with pytest.raises(NotFound) as invisible:
        access_voucher(rep_wang, vouchers["east"].pk)
    with pytest.raises(NotFound) as missing:
        access_voucher(rep_wang, 999999)
    assert (invisible.value.status, invisible.value.code, str(invisible.value.message)) == (
        missing.value.status,
        missing.value.code,
        str(missing.value.message),
    )
    assert access_voucher(rep_wang, vouchers["north"].pk) == vouchers["north"]
    with pytest.raises(NotFound):
        access_voucher(rep_wang, "not-a-number")
