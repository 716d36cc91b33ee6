from django.conf import settings
from django.db import models

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.core.money import amount_field


class Voucher(BaseModel):
    DELETION = deletion.DRAFT

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        RELEASED = "released", "Released"
        CANCELLED = "cancelled", "Cancelled"

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW, Status.CANCELLED},
        Status.IN_REVIEW: {Status.RELEASED, Status.DRAFT},
    }

    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT)
    number = models.CharField(max_length=32, blank=True)
    title = models.CharField(max_length=100)
    total_amount = amount_field()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        permissions = [
            ("view_all_vouchers", "Can see every voucher"),
            ("view_region_vouchers", "Can see the vouchers of own regions"),
            ("review_voucher", "Can review vouchers"),
            ("approve_large_voucher", "Can approve large vouchers"),
        ]

    def __str__(self) -> str:
        return self.number or self.title
