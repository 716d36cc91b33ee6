import pytest

from backoffice.audit.models import AuditEvent
from backoffice.core.exceptions import InvalidTransition
from backoffice.core.transitions import allowed_transitions, transition
from tests.testapp.models import Voucher


@pytest.fixture
def voucher(rep_wang, region_north):
    return Voucher.objects.create(title="样品单", owner=rep_wang, region=region_north)


@pytest.mark.django_db
def test_allowed_moves_come_from_the_table(voucher):
    assert allowed_transitions(voucher) == {"in_review", "cancelled"}


@pytest.mark.django_db
def test_a_move_is_stamped_and_audited(voucher, clerk):
    transition(voucher, to=Voucher.Status.IN_REVIEW, by=clerk)
    transition(voucher, to=Voucher.Status.RELEASED, by=clerk, note="checked")

    voucher.refresh_from_db()
    assert voucher.status == "released"
    assert voucher.released_by == clerk
    assert voucher.released_at is not None
    events = AuditEvent.objects.filter(model="testapp.voucher", object_id=str(voucher.pk))
    assert [e.changes["status"] for e in events.order_by("id")] == [
        ["draft", "in_review"],
        ["in_review", "released"],
    ]
    assert events.order_by("id").last().note == "checked"
    assert events.order_by("id").last().actor == clerk


@pytest.mark.django_db
def test_a_move_not_in_the_table_raises_and_changes_nothing(voucher, clerk):
    with pytest.raises(InvalidTransition) as caught:
        transition(voucher, to=Voucher.Status.RELEASED, by=clerk)
    assert caught.value.status == 409
    assert caught.value.extra == {
        "from": "draft",
        "to": "released",
        "allowed": ["cancelled", "in_review"],
    }
    voucher.refresh_from_db()
    assert voucher.status == "draft"
    assert not AuditEvent.objects.filter(action="transition").exists()


@pytest.mark.django_db
def test_the_table_is_checked_against_the_database_not_a_stale_copy(voucher, clerk):
    stale = Voucher.objects.get(pk=voucher.pk)
    transition(voucher, to=Voucher.Status.CANCELLED, by=clerk)
    with pytest.raises(InvalidTransition):
        transition(stale, to=Voucher.Status.IN_REVIEW, by=clerk)


@pytest.mark.django_db
def test_a_row_the_caller_locked_is_moved_as_it_is_with_its_other_fields(voucher, clerk):
    locked = Voucher.objects.select_for_update().get(pk=voucher.pk)
    transition(voucher, to=Voucher.Status.IN_REVIEW, by=clerk, locked=locked)
    assert voucher.status == locked.status == "in_review"
    transition(locked, to=Voucher.Status.RELEASED, by=clerk, locked=locked, also={"number": "V-1"})

    locked.refresh_from_db()
    assert (locked.status, locked.number, locked.released_by) == ("released", "V-1", clerk)
    release = AuditEvent.objects.filter(action="transition").order_by("id").last()
    # the move's event describes the voucher as it was; the number is the caller's to audit
    assert release.changes["status"] == ["in_review", "released"]
    assert "number" not in release.changes
    with pytest.raises(ValueError, match="row of the object"):
        other = Voucher.objects.create(title="另一张", owner=voucher.owner, region=voucher.region)
        transition(voucher, to=Voucher.Status.DRAFT, by=clerk, locked=other)


@pytest.mark.django_db
def test_a_refused_move_inside_a_transaction_leaves_it_usable(voucher, clerk):
    from django.db import transaction

    with transaction.atomic():
        with pytest.raises(InvalidTransition):
            transition(voucher, to=Voucher.Status.RELEASED, by=clerk)
        transition(voucher, to=Voucher.Status.CANCELLED, by=clerk)  # the caller goes on
    voucher.refresh_from_db()
    assert voucher.status == "cancelled"
