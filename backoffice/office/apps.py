from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

READ_MAIL = {"office.view_mailitem", "office.view_carrier"}
SEE_ALL = READ_MAIL | {
    "office.view_all_mail",
    "office.view_carrierbill",
    "office.view_carrierbillline",
}
# the clerks keep the register and the carriers, and settle the carriers' bills
KEEP_MAIL = SEE_ALL | {
    "office.add_mailitem",
    "office.change_mailitem",
    "office.add_carrier",
    "office.change_carrier",
    "office.add_carrierbill",
    "office.settle_carrierbill",
}


def _overdue(user) -> int:
    from backoffice.office.selectors import mail_overdue

    return mail_overdue(user).count()


class OfficeConfig(AppConfig):
    name = "backoffice.office"
    label = "office"
    verbose_name = _("Mail and carriers")

    def ready(self) -> None:
        from backoffice.core.access import register_global, register_visibility
        from backoffice.core.grants import grant
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.core.timeline import register_timeline_source
        from backoffice.core.todos import register_todo
        from backoffice.office.models import Carrier, CarrierBill, CarrierBillLine, MailItem
        from backoffice.office.selectors import mail_visible_to
        from backoffice.parties.models import Customer

        # the carriers and their bills are the company's, read by whoever may read them
        register_global(Carrier, CarrierBill, CarrierBillLine)
        register_visibility(MailItem, mail_visible_to)
        register_timeline_source(Customer, lambda customer: (MailItem, customer.mail_items.all()))
        grant(
            {
                "rep": READ_MAIL,
                "clerk": KEEP_MAIL,
                "warehouse": SEE_ALL | {"office.add_mailitem", "office.change_mailitem"},
                "sales_manager": SEE_ALL,
                "regional_manager": READ_MAIL | {"office.view_region_mail"},
                "general_manager": SEE_ALL,
                "finance": SEE_ALL,
            }
        )
        register_todo(
            "mail_overdue",
            order=540,
            permission="office.change_mailitem",
            count=_overdue,
            label=ngettext_lazy(
                "%d mail item is past its promised date without delivery",
                "%d mail items are past their promised date without delivery",
            ),
            url="admin:office_mailitem_changelist",
            query="overdue=yes",
        )
        register_nav_group("office", _("Mail and carriers"), order=48)
        for order, (label, icon, url, permission) in enumerate(
            [
                (
                    _("Mail and express register"),
                    "local_post_office",
                    "admin:office_mailitem_changelist",
                    "office.view_mailitem",
                ),
                (
                    _("Carrier bills"),
                    "receipt_long",
                    "admin:office_carrierbill_changelist",
                    "office.view_carrierbill",
                ),
                (
                    _("Carriers"),
                    "local_shipping",
                    "admin:office_carrier_changelist",
                    "office.view_carrier",
                ),
            ],
            start=1,
        ):
            register_nav_item(
                "office", label, icon=icon, url=url, permission=permission, order=order * 10
            )
