from django.apps import AppConfig

# What each role may do with vouchers (sync_roles gives the role's group these).
KEEP_VOUCHERS = {"testapp.view_voucher", "testapp.add_voucher", "testapp.change_voucher"}


def _drafts(user) -> int:
    from tests.testapp.models import Voucher
    from tests.testapp.selectors import voucher_visible_to

    return voucher_visible_to(user).filter(status=Voucher.Status.DRAFT).count()


class TestAppConfig(AppConfig):
    """A sample document used to test the platform's mechanisms (tests only), and the
    worked example of docs/adding-a-domain.md: everything a domain plugs into, from here."""

    name = "tests.testapp"
    label = "testapp"

    def ready(self) -> None:
        from decimal import Decimal

        from django.utils.translation import ngettext_lazy

        from backoffice.core.access import register_visibility
        from backoffice.core.grants import grant
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.core.todos import register_todo
        from backoffice.reviews.registry import Level, register
        from tests.testapp.models import Voucher
        from tests.testapp.selectors import voucher_visible_to
        from tests.testapp.services import voucher_release, voucher_return

        # Rows: who sees which voucher (the admin, the audit API and access_voucher use it).
        register_visibility(Voucher, voucher_visible_to)
        # Double review: two clerks, then a general manager above 50,000.
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
        # Roles: reps and clerks keep vouchers.
        grant({"rep": KEEP_VOUCHERS, "clerk": KEEP_VOUCHERS})
        # The dashboard: the drafts the user sees, for those who may see vouchers.
        register_todo(
            "vouchers_draft",
            order=600,
            permission="testapp.view_voucher",
            count=_drafts,
            label=ngettext_lazy("%d voucher is a draft", "%d vouchers are drafts"),
            url="admin:testapp_voucher_changelist",
            query="status__exact=draft",
        )
        # The sidebar: a group of its own, after the others.
        register_nav_group("samples", "Samples", order=90)
        register_nav_item(
            "samples",
            "Vouchers",
            icon="receipt",
            url="admin:testapp_voucher_changelist",
            permission="testapp.view_voucher",
            order=10,
        )
