from backoffice.sales.models.deliveries import Delivery, DeliveryExtra, DeliveryLine
from backoffice.sales.models.orders import SalesOrder, SalesOrderLine

__all__ = ["Delivery", "DeliveryExtra", "DeliveryLine", "SalesOrder", "SalesOrderLine"]
