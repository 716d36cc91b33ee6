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
