"""Contract performance (履约, DOMAIN §3): for each contract line, what was contracted,
ordered, delivered, invoiced and paid, as quantities, amounts and percentages; the delivery
and payment milestones and which are overdue.

Ordered counts approved orders (cancelled drafts never count); delivered is what left and
was not returned; invoiced is issued invoices net of red letters; paid is each invoice's
received share, spread over its lines pro rata. A purchase contract is carried out by
supplier invoices and payments, so only its invoiced and paid totals are known.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from backoffice.contracts.models import Contract, ContractKind, ContractMilestone
from backoffice.contracts.services import contract_complete
from backoffice.core.money import ZERO, round_amount, round_percent, round_quantity
from backoffice.ledger.models import Receivable
from backoffice.sales.models import Invoice, InvoiceLine, SalesOrder, SalesOrderLine

MEASURES = ("ordered", "delivered", "invoiced", "paid")


def percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return round_percent(part * 100 / whole)


@dataclass
class PerformanceRow:
    line_no: int | None
    label: str
    unit: str
    contracted_quantity: Decimal | None
    contracted_amount: Decimal
    quantity: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(MEASURES, ZERO))
    amount: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(MEASURES, ZERO))

    @property
    def percent(self) -> dict[str, Decimal | None]:
        return {m: percent(self.amount[m], self.contracted_amount) for m in MEASURES}

    @property
    def quantity_percent(self) -> dict[str, Decimal | None]:
        return {m: percent(self.quantity[m], self.contracted_quantity) for m in MEASURES[:3]}

    def as_dict(self) -> dict[str, Any]:
        return {
            "line_no": self.line_no,
            "label": self.label,
            "unit": self.unit,
            "contracted_quantity": self.contracted_quantity,
            "contracted_amount": self.contracted_amount,
            **{f"{m}_quantity": self.quantity[m] for m in MEASURES[:3]},
            **{f"{m}_amount": self.amount[m] for m in MEASURES},
            **{f"{m}_percent": self.percent[m] for m in MEASURES},
        }


@dataclass
class MilestoneState:
    kind: str
    kind_label: str
    due_on: date
    description: str
    amount: Decimal
    achieved: Decimal
    overdue: bool

    @property
    def shortfall(self) -> Decimal:
        return max(self.amount - self.achieved, ZERO)


@dataclass
class ContractPerformance:
    contract: Contract
    as_of: date
    lines: list[PerformanceRow]
    total: PerformanceRow
    milestones: list[MilestoneState]

    @property
    def overdue(self) -> list[MilestoneState]:
        return [milestone for milestone in self.milestones if milestone.overdue]

    @property
    def fulfilled(self) -> bool:
        total = self.total
        if self.contract.kind == ContractKind.PURCHASE:
            done = total.amount["invoiced"] >= total.contracted_amount
        else:
            done = (
                all(
                    (row.quantity["delivered"] >= row.contracted_quantity)
                    if row.contracted_quantity is not None
                    else (row.amount["delivered"] >= row.contracted_amount)
                    for row in self.lines
                )
                and total.amount["invoiced"] >= total.amount["delivered"]
            )
        return (
            bool(self.lines or total.contracted_amount)
            and done
            and (total.amount["paid"] >= total.amount["invoiced"])
        )


def _received_share(invoice_ids: set[int]) -> dict[int, Decimal]:
    """Per invoice, the share of it received so far (0…1)."""
    shares = {}
    for receivable in Receivable.objects.filter(
        source_model="sales.invoice", source_id__in=invoice_ids, amount__gt=0
    ).only("source_id", "amount", "allocated_amount"):
        shares[receivable.source_id] = receivable.allocated_amount / receivable.amount
    return shares


def contract_performance(contract: Contract, *, as_of: date | None = None) -> ContractPerformance:
    as_of = as_of or timezone.localdate()
    rows = {
        line.pk: PerformanceRow(
            line_no=line.line_no,
            label=str(line.product) if line.product_id else line.description,
            unit=line.product.unit if line.product_id else "",
            contracted_quantity=line.quantity,
            contracted_amount=line.amount,
        )
        for line in contract.lines.select_related("product")
    }
    delivered_value = ExpressionWrapper(
        F("delivered_quantity") * F("unit_price"),
        output_field=DecimalField(max_digits=30, decimal_places=9),
    )
    ordered = (
        SalesOrderLine.objects.filter(
            contract_line__contract=contract, order__status__in=SalesOrder.COMMITTED_STATUSES
        )
        .values("contract_line")
        .annotate(
            quantity=Sum("quantity"),
            amount=Sum("gross_amount"),
            delivered=Sum("delivered_quantity"),
            delivered_amount=Sum(delivered_value),
        )
    )
    for item in ordered:
        row = rows[item["contract_line"]]
        # SQLite sums decimals in floating point: back to the stored precision
        row.quantity["ordered"] = round_quantity(item["quantity"])
        row.amount["ordered"] = round_amount(item["amount"])
        row.quantity["delivered"] = round_quantity(item["delivered"])
        row.amount["delivered"] = round_amount(item["delivered_amount"])
    invoiced = (
        InvoiceLine.objects.filter(
            order_line__contract_line__contract=contract, invoice__status=Invoice.Status.ISSUED
        )
        .values("order_line__contract_line", "invoice_id")
        .annotate(quantity=Sum("quantity"), amount=Sum("gross_amount"))
    )
    invoiced = list(invoiced)
    shares = _received_share({item["invoice_id"] for item in invoiced})
    paid: dict[int, Decimal] = {}
    for item in invoiced:
        row = rows[item["order_line__contract_line"]]
        row.quantity["invoiced"] += round_quantity(item["quantity"])
        row.amount["invoiced"] += round_amount(item["amount"])
        share = shares.get(item["invoice_id"])
        if share:
            paid[item["order_line__contract_line"]] = (
                paid.get(item["order_line__contract_line"], ZERO) + item["amount"] * share
            )
    for line_id, value in paid.items():
        rows[line_id].amount["paid"] = min(round_amount(value), rows[line_id].amount["invoiced"])
    lines = sorted(rows.values(), key=lambda row: row.line_no or 0)
    total = PerformanceRow(
        line_no=None,
        label="",
        unit="",
        contracted_quantity=None,
        contracted_amount=contract.amount,
    )
    for measure in MEASURES:
        total.amount[measure] = sum((row.amount[measure] for row in lines), ZERO)
    if contract.kind == ContractKind.PURCHASE:
        sums = contract.supplier_invoices.aggregate(
            invoiced=Sum("gross_amount"), paid=Sum("paid_amount")
        )
        total.amount["invoiced"] = sums["invoiced"] or ZERO
        total.amount["paid"] = sums["paid"] or ZERO
    achieved = {
        ContractMilestone.Kind.DELIVERY: total.amount["delivered"]
        if contract.kind != ContractKind.PURCHASE
        else total.amount["invoiced"],
        ContractMilestone.Kind.PAYMENT: total.amount["paid"],
    }
    milestones = [
        MilestoneState(
            kind=milestone.kind,
            kind_label=milestone.get_kind_display(),
            due_on=milestone.due_on,
            description=milestone.description,
            amount=milestone.amount,
            achieved=achieved[milestone.kind],
            overdue=milestone.due_on < as_of and achieved[milestone.kind] < milestone.amount,
        )
        for milestone in contract.milestones.all()
    ]
    return ContractPerformance(contract, as_of, lines, total, milestones)


def contracts_fulfilled_run() -> dict[str, int]:
    """Daily (before expiry by date): contracts in force that are delivered, invoiced and
    paid in full are completed."""
    completed = 0
    for contract in Contract.objects.filter(status__in=Contract.IN_FORCE):
        if contract_performance(contract).fulfilled:
            contract_complete(contract=contract)
            completed += 1
    return {"completed": completed}
