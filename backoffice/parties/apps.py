from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reference_after_migrate(sender, using, **kwargs) -> None:
    from backoffice.parties.reference import parties_reference_sync

    parties_reference_sync(using=using)


class PartiesConfig(AppConfig):
    name = "backoffice.parties"
    label = "parties"
    verbose_name = _("Customers")

    def ready(self) -> None:
        post_migrate.connect(
            _reference_after_migrate, sender=self, dispatch_uid="parties-reference"
        )
        from backoffice.core.access import register_visibility
        from backoffice.core.jobs import register_daily_job
        from backoffice.parties.models import Customer, Qualification
        from backoffice.parties.selectors import customer_visible_to, qualification_visible_to
        from backoffice.parties.services import (
            qualification_return,
            qualification_verify,
            qualifications_expiry_run,
        )
        from backoffice.reviews.registry import Level, register

        register_visibility(Customer, customer_visible_to)
        register_visibility(Qualification, qualification_visible_to)
        register_daily_job("qualifications", qualifications_expiry_run)
        register(
            Qualification,
            label=_("Qualification papers"),
            levels=[Level(approvals=2, permission="parties.review_qualification")],
            on_approved=qualification_verify,
            on_rejected=qualification_return,
            authors=lambda paper: [paper.uploaded_by],
        )
