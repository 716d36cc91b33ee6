from django import forms
from django.contrib import admin

from backoffice.core.admin import BaseModelAdmin
from backoffice.core.steps import Step, StepForm
from backoffice.reviews.admin import ReviewableAdminMixin, review_submit_step
from tests.testapp.models import Voucher
from tests.testapp.services import voucher_cancel, voucher_submit


class CancelForm(StepForm):
    reason = forms.CharField(label="reason", max_length=200)


@admin.register(Voucher)
class VoucherAdmin(ReviewableAdminMixin, BaseModelAdmin):
    list_display = ["title", "status", "number", "total_amount"]
    # The Review panel's Submit button: the submit service, declared as a step.
    submit_step = review_submit_step(voucher_submit, document="voucher")
    # A step: its button shows while the table allows draft -> cancelled and the user holds
    # voucher_cancel's permission; pressing it validates CancelForm, then calls the service.
    steps = [
        Step(
            "cancel",
            "Cancel",
            voucher_cancel,
            document="voucher",
            to=Voucher.Status.CANCELLED,
            form=CancelForm,
            style="danger",
        )
    ]
