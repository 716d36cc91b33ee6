from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A sample document used to test the platform's mechanisms (tests only)."""

    name = "tests.testapp"
    label = "testapp"

    def ready(self) -> None:
        from backoffice.core.access import register_visibility
        from tests.testapp.models import Voucher
        from tests.testapp.selectors import voucher_visible_to

        register_visibility(Voucher, voucher_visible_to)

        from decimal import Decimal

        from backoffice.reviews.registry import Level, register
        from tests.testapp.services import voucher_release, voucher_return

        register(
            Voucher,
            label="Voucher",
            levels=[
                Level(approvals=2, permission="testapp.review_voucher"),
                Level(
                    approvals=1,
                    permission="testapp.approve_large_voucher",
                    role="general_manager",
                    min_amount=Decimal("50000"),
                ),
            ],
            on_approved=voucher_release,
            on_rejected=voucher_return,
            amount=lambda v: v.total_amount,
            authors=lambda v: [v.owner],
        )
