from backoffice.sales.models.deliveries import Delivery, DeliveryExtra, DeliveryLine
from backoffice.sales.models.facts import SalesFact, SalesFactRow, SalesMonth
from backoffice.sales.models.history import (
    HistoryCategory,
    HistoryImport,
    HistoryLine,
    HistoryOrder,
)
from backoffice.sales.models.invoices import Invoice, InvoiceLine
from backoffice.sales.models.orders import SalesOrder, SalesOrderLine

__all__ = [
    "Delivery",
    "DeliveryExtra",
    "DeliveryLine",
    "HistoryCategory",
    "HistoryImport",
    "HistoryLine",
    "HistoryOrder",
    "Invoice",
    "InvoiceLine",
    "SalesFact",
    "SalesFactRow",
    "SalesMonth",
    "SalesOrder",
    "SalesOrderLine",
]
