"""The ledger app's models, one module per aggregate (decision 0007)."""

from .journal import (
    Account,
    JournalEntry,
    JournalLine,
)
from .payables import (
    PaymentAllocation,
    SupplierInvoice,
    SupplierPayment,
)
from .receipts import (
    Receipt,
    ReceiptAllocation,
)
from .receivables import (
    Receivable,
)

__all__ = [
    "Account",
    "JournalEntry",
    "JournalLine",
    "PaymentAllocation",
    "Receipt",
    "ReceiptAllocation",
    "Receivable",
    "SupplierInvoice",
    "SupplierPayment",
]
