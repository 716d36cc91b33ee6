"""Materials cost statistics (issue 17 §12), over the movements the user may see: what left
stock for customers, events, deliveries and the office's own use, net of what came back,
at the value the ledger gave it (the moving average), grouped by month, item kind, region,
rep, customer and purpose; stocktake variances count as their own purpose; stock moved into
a rep's bag has not been used yet and does not count. Beside it, printing jobs received, by
month and item kind, and what was mailed, by month, carrier and kind."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from backoffice.accounts.models import Region, User
from backoffice.core.access import Actor
from backoffice.core.money import ZERO, round_amount, round_quantity, sum_read
from backoffice.materials.models import IssueRequest, MaterialItem, PrintingJob, StockMove
from backoffice.materials.selectors import move_visible_to
from backoffice.office.models import MailItem
from backoffice.office.selectors import mail_visible_to
from backoffice.parties.models import Customer
from backoffice.reports.selectors.params import refuse_if, report_dates
from backoffice.sales.models import Delivery

GROUPS = ("month", "kind", "region", "rep", "customer", "purpose")
COUNTED = (
    StockMove.Kind.ISSUE,
    StockMove.Kind.DELIVERY,
    StockMove.Kind.RETURN,
    StockMove.Kind.ADJUSTMENT,
)
STOCKTAKE = "stocktake"


def materials_params(params: Any) -> tuple[date, date, list[str]]:
    errors: dict[str, list[str]] = {}
    date_from, date_to = report_dates(params, errors)
    group_by = [g for g in (params.get("group_by") or "month,kind").split(",") if g]
    if not group_by or any(g not in GROUPS for g in group_by):
        errors["group_by"] = [_("choose from: %s") % ", ".join(GROUPS)]
    refuse_if(errors)
    return date_from, date_to, list(dict.fromkeys(group_by))


def purpose_labels() -> dict[str, str]:
    return {
        **{value: str(label) for value, label in IssueRequest.Purpose.choices},
        STOCKTAKE: _("Stocktake variance"),
    }


def materials_cost(
    *, by: Actor, date_from: date, date_to: date, group_by: list[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(rows, totals): each row its groups' values and names, the quantity and the cost
    (value out, net of returns), largest cost first within the month."""
    moves = (
        move_visible_to(by)
        .filter(moved_on__gte=date_from, moved_on__lte=date_to, kind__in=COUNTED)
        .annotate(month=TruncMonth("moved_on", output_field=DateField()))
        .values("month", "source_model", "source_id", "item__kind", "customer_id")
        .annotate(quantity=Sum("quantity"), value=Sum("value"))
        .order_by()
    )
    found = list(moves)
    issues = {
        issue.pk: issue
        for issue in IssueRequest.objects.filter(
            pk__in={m["source_id"] for m in found if m["source_model"] == "materials.issuerequest"}
        ).only("pk", "region_id", "owner_id", "purpose")
    }
    deliveries = dict(
        Delivery.objects.filter(
            pk__in={m["source_id"] for m in found if m["source_model"] == "sales.delivery"}
        ).values_list("pk", "region_id")
    )
    delivery_reps = dict(Delivery.objects.filter(pk__in=deliveries).values_list("pk", "owner_id"))
    sums: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for move in found:
        source, pk = move["source_model"], move["source_id"]
        if source == "materials.issuerequest" and pk in issues:
            issue = issues[pk]
            if issue.purpose == IssueRequest.Purpose.REP:
                continue  # into a rep's bag and back: not used yet, whoever sees which leg
            region, rep, purpose = issue.region_id, issue.owner_id, issue.purpose
        elif source == "sales.delivery":
            region, rep = deliveries.get(pk), delivery_reps.get(pk)
            purpose = IssueRequest.Purpose.DELIVERY
        else:
            region, rep, purpose = None, None, STOCKTAKE
        values = {
            "month": move["month"],
            "kind": move["item__kind"],
            "region": region,
            "rep": rep,
            "customer": move["customer_id"],
            "purpose": str(purpose),
        }
        pair = sums[tuple(values[g] for g in group_by)]
        pair[0] -= round_quantity(sum_read(move["quantity"]) or ZERO)  # SQLite: floats
        pair[1] -= round_amount(sum_read(move["value"]) or ZERO)
    names = _names(group_by, sums)
    rows = []
    for key, (quantity, cost) in sums.items():
        if not quantity and not cost:
            continue
        row: dict[str, Any] = {}
        for group, value in zip(group_by, key, strict=True):
            row[group] = value.strftime("%Y-%m") if group == "month" and value else value
            row[f"{group}_name"] = names[group].get(value, "—") if group != "month" else row[group]
        row["quantity"], row["cost"] = quantity, cost
        rows.append(row)
    rows.sort(
        key=lambda r: (
            r.get("month") or "",
            -r["cost"],
            *(str(r.get(f"{g}_name") or "") for g in group_by),
        )
    )
    totals = {
        "quantity": sum((r["quantity"] for r in rows), Decimal("0.000")),
        "cost": sum((r["cost"] for r in rows), Decimal("0.00")),
    }
    return rows, totals


def _names(group_by: list[str], sums: dict[tuple, Any]) -> dict[str, dict[Any, str]]:
    """Each grouping's values as the page shows them (names, never ids or codes)."""
    keys = {g: {key[i] for key in sums} for i, g in enumerate(group_by)}
    names: dict[str, dict[Any, str]] = {g: {} for g in group_by}
    none = {"region": _("No region"), "rep": _("No rep"), "customer": _("No customer")}
    for group in group_by:
        names[group][None] = none.get(group, "—")
    if "kind" in group_by:
        names["kind"] |= {k: str(label) for k, label in MaterialItem.Kind.choices}
    if "purpose" in group_by:
        names["purpose"] |= purpose_labels()
    if "region" in group_by:
        names["region"] |= dict(
            Region.objects.filter(pk__in=keys["region"] - {None}).values_list("pk", "name")
        )
    if "rep" in group_by:
        names["rep"] |= {
            user.pk: str(user) for user in User.objects.filter(pk__in=keys["rep"] - {None})
        }
    if "customer" in group_by:
        names["customer"] |= dict(
            Customer.objects.filter(pk__in=keys["customer"] - {None}).values_list("pk", "name")
        )
    return names


def printing_cost(*, by: Actor, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Printing jobs received in the dates, by month and item kind: jobs, pieces, cost."""
    if not by.has_perm("materials.view_printingjob"):
        return []
    jobs = (
        PrintingJob.objects.filter(
            status=PrintingJob.Status.RECEIVED,
            receipt__received_on__gte=date_from,
            receipt__received_on__lte=date_to,
        )
        .annotate(month=TruncMonth("receipt__received_on", output_field=DateField()))
        .values_list("month", "item__kind", "quantity", "cost")
    )
    sums: dict[tuple, list] = defaultdict(lambda: [0, ZERO, ZERO])
    for month, kind, quantity, cost in jobs:
        row = sums[month, kind]
        row[0] += 1
        row[1] += quantity
        row[2] += cost
    kinds = dict(MaterialItem.Kind.choices)
    return [
        {
            "month": month.strftime("%Y-%m"),
            "kind": kind,
            "kind_name": str(kinds.get(kind, kind)),
            "jobs": jobs_count,
            "quantity": quantity,
            "cost": cost,
        }
        for (month, kind), (jobs_count, quantity, cost) in sorted(sums.items())
    ]


def mailing_cost(*, by: Actor, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """What was mailed or expressed in the dates (the register's entries sent), by month,
    carrier and kind: shipments and cost, the billed fee once a bill settled it, else the
    expected cost; the entries the user may see."""
    if not by.has_perm("office.view_mailitem"):
        return []
    rows = (
        mail_visible_to(by)
        .filter(
            direction=MailItem.Direction.OUT, shipped_on__gte=date_from, shipped_on__lte=date_to
        )
        .annotate(month=TruncMonth("shipped_on", output_field=DateField()))
        .values("month", "carrier__name", "kind")
        .annotate(shipments=Count("pk"), cost=Sum(Coalesce("fee", "cost")))
        .order_by("month", "carrier__name", "kind")
    )
    kinds = dict(MailItem.Kind.choices)
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "carrier_name": row["carrier__name"] or _("No carrier"),
            "kind": row["kind"],
            "kind_name": str(kinds.get(row["kind"], row["kind"])),
            "shipments": row["shipments"],
            "cost": round_amount(sum_read(row["cost"]) or ZERO),
        }
        for row in rows
    ]
