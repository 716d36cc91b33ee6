"""The customers app's models, one module per aggregate (decision 0007)."""

from .calls import (
    CallCadence,
    CallInventoryLine,
    CallRecord,
    Visit,
)
from .customers import (
    Contact,
    Customer,
    DeliveryAddress,
)
from .feedback import (
    Feedback,
)
from .imports import (
    CustomerImport,
)
from .qualifications import (
    Qualification,
    QualificationRequirement,
    QualificationType,
)
from .terms import (
    CustomerTermsChange,
)

__all__ = [
    "CallCadence",
    "CallInventoryLine",
    "CallRecord",
    "Contact",
    "Customer",
    "CustomerImport",
    "CustomerTermsChange",
    "DeliveryAddress",
    "Feedback",
    "Qualification",
    "QualificationRequirement",
    "QualificationType",
    "Visit",
]
