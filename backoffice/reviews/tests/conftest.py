from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from backoffice.accounts.services import user_create
from tests.testapp.models import Voucher


def _grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def make_reviewer(db):
    counter = {"n": 0}

    def make(role: str = "clerk", perms: tuple[str, ...] = ("review_voucher",)):
        counter["n"] += 1
        user = user_create(
            username=f"reviewer{counter['n']}", role=role, full_name=f"审核人{counter['n']}"
        )
        # A reviewer sees the vouchers: nobody decides on what they may not see.
        return _grant(user, "view_all_vouchers", *perms)

    return make


@pytest.fixture
def voucher(rep_wang, region_north):
    return Voucher.objects.create(
        title="样品出库", owner=rep_wang, region=region_north, total_amount=Decimal("1200.00")
    )


@pytest.fixture
def author(clerk):
    return _grant(clerk, "review_voucher", "view_all_vouchers")
