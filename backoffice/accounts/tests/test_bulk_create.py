import pytest

from backoffice.accounts.exceptions import DuplicateUser, UnknownRegion
from backoffice.accounts.models import Region, User
from backoffice.accounts.services import region_bulk_create, user_bulk_create
from backoffice.audit.models import AuditEvent


@pytest.mark.django_db
def test_bulk_created_regions_and_users_have_their_role_and_regions_and_are_audited(clerk):
    regions = region_bulk_create(rows=[{"code": "sw", "name": "西南"}], by=clerk, note="n")
    users = user_bulk_create(
        rows=[{"username": "r-sw", "full_name": "西南代表", "region_codes": ["sw"]}],
        role="rep",
        by=clerk,
        note="n",
    )
    user = User.objects.get(username="r-sw")
    assert (user.role_codes, list(user.regions.all())) == (["rep"], regions)
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(model="accounts.user", object_id=str(users[0].pk))
    assert (event.actor_id, event.note) == (clerk.pk, "n")
    assert event.changes["regions"] == [None, [regions[0].pk]]
    assert AuditEvent.objects.filter(model="accounts.region", object_id=str(regions[0].pk))


@pytest.mark.django_db
def test_a_taken_username_or_an_unknown_region_refuses_the_whole_batch(clerk):
    with pytest.raises(DuplicateUser):
        user_bulk_create(rows=[{"username": clerk.username.upper()}], role="rep", by=clerk)
    with pytest.raises(UnknownRegion):
        user_bulk_create(
            rows=[{"username": "a"}, {"username": "b", "region_codes": ["mars"]}],
            role="rep",
            by=clerk,
        )
    assert not User.objects.filter(username__in=["a", "b"]).exists()
    assert not Region.objects.exists()
