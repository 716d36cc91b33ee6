from django.db.models import QuerySet

from backoffice.core.access import access_object, scope_for_user
from tests.testapp.models import Voucher


def voucher_visible_to(user) -> QuerySet[Voucher]:
    return scope_for_user(
        Voucher.objects.all(),
        user,
        all_perm="testapp.view_all_vouchers",
        region_perm="testapp.view_region_vouchers",
    )


def access_voucher(by, voucher_id) -> Voucher:
    return access_object(voucher_visible_to(by), voucher_id)
