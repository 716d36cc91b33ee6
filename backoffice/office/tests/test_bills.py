"""A carrier's monthly bill against the register: matched, fee differing, not in the
register and missing lines; the same file twice; a malformed file names the line and
column of each problem and changes nothing; settling writes the fees and locks the month."""

from datetime import timedelta
from decimal import Decimal

import pytest

from backoffice.audit.models import AuditEvent
from backoffice.core.exceptions import ValidationFailed
from backoffice.office.exceptions import AlreadySettled
from backoffice.office.models import CarrierBill, CarrierBillLine, MailItem
from backoffice.office.selectors import bill_missing, bill_summary
from backoffice.office.services import BillUnreadable, bill_settle, bill_upload
from backoffice.office.tests.conftest import bill_csv, last_month, sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(clerk, carrier, zto):
    day = last_month() + timedelta(days=4)
    return {
        "a": sent(clerk, carrier, "SF001", "12.00", day),
        "b": sent(clerk, carrier, "SF002", "15.00", day),
        "c": sent(clerk, carrier, "SF003", "18.00", day),  # not on the bill
        "other": sent(clerk, zto, "ZT001", "6.00", day),  # another carrier's
        "earlier": sent(clerk, carrier, "SF009", "9.00", last_month() - timedelta(days=20)),
    }


def _upload(clerk, carrier, rows, **more):
    return bill_upload(
        by=clerk,
        carrier=carrier,
        month=last_month(),
        content=bill_csv(rows),
        filename="账单.csv",
        **more,
    )


def test_matched_differing_unregistered_and_missing(clerk, carrier, register):
    day = (last_month() + timedelta(days=4)).isoformat()
    bill, changed = _upload(
        clerk,
        carrier,
        [
            ["SF001", day, "1.0", "12.50"],  # within the 1.00 tolerance
            ["SF002", day, "2.0", "21.00"],  # 6.00 above
            ["SF777", day, "0.5", "12.00"],  # nobody registered it
        ],
    )
    assert changed and bill.line_count == 3 and bill.total_fee == Decimal("45.50")
    matches = dict(bill.lines.values_list("tracking_number", "match"))
    assert matches == {"SF001": "matched", "SF002": "fee_differs", "SF777": "not_registered"}
    assert list(bill_missing(bill)) == [register["c"]]
    summary = bill_summary(bill)
    assert summary["matches"]["fee_differs"]["fee"] == Decimal("21.00")
    assert summary["difference"] == Decimal("6.00")
    assert summary["missing"] == {"entries": 1, "cost": Decimal("18.00")}


def test_the_same_file_twice_adds_nothing(clerk, carrier, register):
    rows = [["SF001", "", "1", "12.00"]]
    first, changed = _upload(clerk, carrier, rows)
    again, changed_again = _upload(clerk, carrier, rows)
    assert changed and not changed_again and again.pk == first.pk
    assert CarrierBill.objects.count() == 1 and CarrierBillLine.objects.count() == 1


def test_another_file_for_an_open_month_replaces_its_lines(clerk, carrier, register):
    _upload(clerk, carrier, [["SF001", "", "1", "12.00"]])
    bill, changed = _upload(clerk, carrier, [["SF001", "", "1", "12.00"], ["SF002", "", "1", "15"]])
    assert changed and CarrierBillLine.objects.filter(bill=bill).count() == 2


def test_a_malformed_file_names_each_problem_and_changes_nothing(clerk, carrier, register):
    with pytest.raises(BillUnreadable) as refused:
        _upload(
            clerk,
            carrier,
            [
                ["SF001", "2026-13-45", "1", "12"],
                ["", "", "1", "12"],
                ["SF002", "", "重", "十二"],
                ["SF001", "", "1", "-3"],
            ],
        )
    problems = {(p["line"], p["column"]) for p in refused.value.extra["problems"]}
    assert problems == {
        (2, "日期"),
        (3, "运单号"),
        (4, "重量"),
        (4, "费用"),
        (5, "运单号"),
        (5, "费用"),
    }
    assert not CarrierBill.objects.exists() and not CarrierBillLine.objects.exists()
    with pytest.raises(ValidationFailed, match="运单号"):  # no such column
        bill_upload(
            by=clerk,
            carrier=carrier,
            month=last_month(),
            content=bill_csv([["1", "2"]], header=("号码", "钱")),
            filename="b.csv",
        )


def test_settling_writes_the_fees_once_and_locks_the_month(clerk, carrier, register):
    bill, _ = _upload(
        clerk,
        carrier,
        [["SF001", "", "1", "12.50"], ["SF002", "", "1", "21.00"], ["SF777", "", "1", "9"]],
    )
    bill = bill_settle(bill=bill, by=clerk)
    assert bill.status == "settled" and bill.settled_by == clerk
    fees = dict(MailItem.objects.filter(bill=bill).values_list("tracking_number", "fee"))
    assert fees == {"SF001": Decimal("12.50"), "SF002": Decimal("21.00")}
    assert MailItem.objects.get(pk=register["c"].pk).fee is None
    assert AuditEvent.objects.filter(object_id=str(bill.pk), action="action").exists()
    with pytest.raises(AlreadySettled):
        bill_settle(bill=bill, by=clerk)
    with pytest.raises(AlreadySettled):  # another file for the settled month
        _upload(clerk, carrier, [["SF003", "", "1", "18"]])
    # another month's bill finds SF001 settled before
    nxt, _ = bill_upload(
        by=clerk,
        carrier=carrier,
        month=(last_month() - timedelta(days=20)).replace(day=1),
        content=bill_csv([["SF001", "", "1", "12.50"], ["SF009", "", "1", "9"]]),
        filename="next.csv",
    )
    assert dict(nxt.lines.values_list("tracking_number", "match")) == {
        "SF001": "billed_before",
        "SF009": "matched",
    }


def test_a_rep_may_neither_upload_nor_settle(rep_wang, clerk, carrier, register):
    from backoffice.core.exceptions import NotAllowed as PermissionDenied

    with pytest.raises(PermissionDenied):
        _upload(rep_wang, carrier, [["SF001", "", "1", "12"]])
    bill, _ = _upload(clerk, carrier, [["SF001", "", "1", "12"]])
    with pytest.raises(PermissionDenied):
        bill_settle(bill=bill, by=rep_wang)


def test_an_entry_on_two_open_bills_is_settled_by_the_first_only(clerk, carrier, register):
    earlier = (last_month() - timedelta(days=20)).replace(day=1)
    first, _ = _upload(clerk, carrier, [["SF001", "", "1", "12.00"]])
    second, _ = bill_upload(
        by=clerk,
        carrier=carrier,
        month=earlier,
        content=bill_csv([["SF001", "", "1", "13.00"], ["SF009", "", "1", "9.00"]]),
        filename="again.csv",
    )
    assert second.lines.get(tracking_number="SF001").match == "matched"  # not settled yet
    bill_settle(bill=first, by=clerk)
    bill_settle(bill=second, by=clerk)
    item = MailItem.objects.get(tracking_number="SF001")
    assert (item.bill_id, item.fee) == (first.pk, Decimal("12.00"))
    assert second.lines.get(tracking_number="SF001").match == "billed_before"
    assert MailItem.objects.get(tracking_number="SF009").bill_id == second.pk


def test_the_same_file_again_matches_what_was_registered_since(clerk, carrier, register):
    rows = [["SF500", "", "1", "12.00"]]
    bill, _ = _upload(clerk, carrier, rows)
    assert bill.lines.get().match == "not_registered"
    sent(clerk, carrier, "SF500", "12.00")
    again, changed = _upload(clerk, carrier, rows)
    assert not changed and again.lines.get().match == "matched"


def test_a_weight_or_a_total_beyond_its_column_is_a_problem(clerk, carrier, register):
    with pytest.raises(BillUnreadable) as refused:
        _upload(clerk, carrier, [["SF001", "", "99999999999999", "12"]])
    assert refused.value.extra["problems"][0]["column"] == "重量"
    with pytest.raises(BillUnreadable):
        _upload(
            clerk,
            carrier,
            [["SF001", "", "1", "99999999999999.00"], ["SF002", "", "1", "99999999999999.00"]],
        )
    assert not CarrierBill.objects.exists()


def test_a_problem_is_named_at_its_line_in_the_file_past_blank_rows(clerk, carrier, register):
    """Carriers' sheets have blank rows between days: the line given is the file's own."""
    with pytest.raises(BillUnreadable) as refused:
        _upload(
            clerk, carrier, [["SF001", "", "1", "12"], ["", "", "", ""], ["SF002", "", "1", "x"]]
        )
    assert [(p["line"], p["column"]) for p in refused.value.extra["problems"]] == [(4, "费用")]


def test_two_columns_giving_the_same_thing_are_refused(clerk, carrier, register):
    with pytest.raises(ValidationFailed, match=r"运单号.*快递单号"):
        bill_upload(
            by=clerk,
            carrier=carrier,
            month=last_month(),
            content=bill_csv([["SF001", "SF002", "12"]], header=("运单号", "快递单号", "费用")),
            filename="b.csv",
        )
    assert not CarrierBill.objects.exists()
