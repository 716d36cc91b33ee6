from django.contrib import admin

from backoffice.core.admin import BaseModelAdmin
from backoffice.reviews.admin import ReviewableAdminMixin
from tests.testapp.models import Voucher
from tests.testapp.services import voucher_submit


@admin.register(Voucher)
class VoucherAdmin(ReviewableAdminMixin, BaseModelAdmin):
    list_display = ["title", "status", "number", "total_amount"]

    def review_submit_document(self, request, obj) -> None:
        voucher_submit(voucher=obj, by=request.user)
