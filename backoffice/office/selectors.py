"""Reads of the office: who sees which mail item (STYLE §7), the carriers' rating computed
from the register, a bill's matching, and the mail items past their promised date."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, DateField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone

from backoffice.core.access import Actor, access_object, scope_for_user
from backoffice.core.money import ZERO, round_amount, sum_read
from backoffice.office.models import Carrier, CarrierBill, CarrierBillLine, MailItem


def mail_visible_to(user: Any) -> QuerySet[MailItem]:
    """All (clerks, managers, finance); own regions' (regional managers); else what the
    user handles or what concerns the user's customers (reps)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return MailItem.objects.none()
    if user.has_perm("office.view_all_mail"):
        return MailItem.objects.all()
    scoped = scope_for_user(
        MailItem.objects.all(),
        user,
        all_perm="office.view_all_mail",
        region_perm="office.view_region_mail",
    )
    return MailItem.objects.filter(Q(pk__in=scoped.values("pk")) | Q(handler=user))


def access_mail(by: Actor, item_id: Any) -> MailItem:
    return access_object(
        mail_visible_to(by).select_related("carrier", "customer", "handler"), item_id
    )


def mail_overdue(user: Any) -> QuerySet[MailItem]:
    """Sent, not delivered, past the promised date."""
    return mail_visible_to(user).filter(
        status__in=MailItem.OPEN_STATUSES,
        direction=MailItem.Direction.OUT,
        promised_on__lt=timezone.localdate(),
    )


def carrier_ratings(carriers: QuerySet[Carrier]) -> QuerySet[Carrier]:
    """Each carrier with its rating from the register, in one query: shipments sent,
    delivered on or before the promised date out of those delivered with a promise, lost or
    damaged, and the average cost a shipment (the billed fee once settled, else the
    expected cost; entries with neither are left out)."""
    sent = Q(mail_items__direction=MailItem.Direction.OUT)
    promised = sent & Q(
        mail_items__status=MailItem.Status.DELIVERED, mail_items__promised_on__isnull=False
    )
    return carriers.annotate(
        shipments=Count("mail_items", filter=sent),
        promised=Count("mail_items", filter=promised),
        on_time=Count(
            "mail_items",
            filter=promised & Q(mail_items__delivered_on__lte=F("mail_items__promised_on")),
        ),
        lost_or_damaged=Count(
            "mail_items",
            filter=sent & Q(mail_items__status__in=[MailItem.Status.LOST, MailItem.Status.DAMAGED]),
        ),
        # an entry without a cost known (a delivery's, before its bill) is not averaged
        average_cost=Avg(
            NullIf(Coalesce("mail_items__fee", "mail_items__cost"), Value(ZERO)), filter=sent
        ),
    )


def on_time_rate(carrier: Carrier) -> Decimal | None:
    """The share delivered by the promised date, in percent (None: nothing to judge)."""
    if not getattr(carrier, "promised", 0):
        return None
    return (Decimal(carrier.on_time) * 100 / carrier.promised).quantize(Decimal("0.1"))


def carrier_monthly_cost(carrier: Carrier, *, months: int = 12) -> list[dict[str, Any]]:
    """Shipments and their average cost by month, the latest `months`."""
    rows = (
        MailItem.objects.filter(carrier=carrier, direction=MailItem.Direction.OUT)
        .annotate(month=TruncMonth("shipped_on", output_field=DateField()))
        .values("month")
        .annotate(shipments=Count("pk"), cost=Sum(Coalesce("fee", "cost")))
        .order_by("-month")[:months]
    )
    found = []
    for row in rows:
        cost = round_amount(sum_read(row["cost"]) or ZERO)
        found.append(
            {
                "month": row["month"].strftime("%Y-%m"),
                "shipments": row["shipments"],
                "cost": cost,
                "average": round_amount(cost / row["shipments"]) if row["shipments"] else ZERO,
            }
        )
    return found


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)


def bill_missing(bill: CarrierBill) -> QuerySet[MailItem]:
    """The register's entries sent by the bill's carrier in its month that the bill does
    not list (and no other bill settled)."""
    listed = bill.lines.filter(mail_item__isnull=False).values("mail_item_id")
    return (
        MailItem.objects.filter(
            carrier=bill.carrier,
            direction=MailItem.Direction.OUT,
            shipped_on__gte=bill.month,
            shipped_on__lt=_month_end(bill.month),
        )
        .filter(Q(bill__isnull=True) | Q(bill=bill))
        .exclude(pk__in=listed)
        .order_by("shipped_on", "pk")
    )


def bill_summary(bill: CarrierBill) -> dict[str, Any]:
    """How the bill's lines matched: {match: (lines, fee)}, the entries missing from it,
    and the difference between what is billed and what was expected of the matched."""
    counts: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO, ZERO])
    for match, lines, fee, expected in (
        bill.lines.values("match")
        .annotate(n=Count("pk"), fee=Sum("fee"), expected=Sum("expected"))
        .values_list("match", "n", "fee", "expected")
        .order_by()
    ):
        counts[match] = [
            lines,
            round_amount(sum_read(fee) or ZERO),
            round_amount(sum_read(expected) or ZERO),
        ]
    missing = bill_missing(bill)
    missing_cost = missing.aggregate(total=Sum("cost"))["total"]
    return {
        "matches": {
            value: {"label": str(label), "lines": counts[value][0], "fee": counts[value][1]}
            for value, label in CarrierBillLine.Match.choices
        },
        "missing": {
            "entries": missing.count(),
            "cost": round_amount(sum_read(missing_cost) or ZERO),
        },
        "difference": (
            counts[CarrierBillLine.Match.FEE_DIFFERS][1]
            - counts[CarrierBillLine.Match.FEE_DIFFERS][2]
        ),
    }
