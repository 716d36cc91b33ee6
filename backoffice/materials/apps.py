from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

READ_CATALOG = {
    "materials.view_materialitem",
    "materials.view_location",
    "materials.view_stockbalance",
    "materials.view_stockmove",
}
READ_ISSUES = {"materials.view_issuerequest", "materials.view_issueline"}
ASK_ISSUES = READ_ISSUES | {
    "materials.add_issuerequest",
    "materials.change_issuerequest",
    "materials.add_issueline",
    "materials.change_issueline",
    "materials.delete_issueline",
}
SEE_ALL = {
    "materials.view_all_stock",
    "materials.view_all_issuerequests",
    "materials.view_stockreceipt",
    "materials.view_stockreceiptline",
    "materials.view_stocktransfer",
    "materials.view_stocktransferline",
}
SEE_STOCKTAKES = {
    "materials.view_stocktake",
    "materials.view_stocktakeline",
    "materials.view_printingjob",
}
# the clerks and the warehouse keep the catalog and the stock, and check what goes out
KEEP_STOCK = (
    READ_CATALOG
    | SEE_ALL
    | ASK_ISSUES
    | {
        "materials.add_materialitem",
        "materials.change_materialitem",
        "materials.add_location",
        "materials.change_location",
        "materials.add_stockreceipt",
        "materials.add_stockreceiptline",
        "materials.add_stocktransfer",
        "materials.add_stocktransferline",
        "materials.review_issuerequest",
        "materials.receive_return",
        "materials.view_stocktake",
        "materials.view_stocktakeline",
        "materials.add_stocktake",
        "materials.change_stocktake",
        "materials.view_printingjob",
        "materials.add_printingjob",
        "materials.change_printingjob",
    }
)


def _overdue_mine(user):
    from django.urls import reverse
    from django.utils.formats import localize
    from django.utils.translation import gettext

    from backoffice.core.todos import Todo
    from backoffice.materials.selectors import issues_overdue

    return [
        Todo(
            title=gettext("%(issue)s: lent samples were due back on %(date)s")
            % {"issue": issue, "date": localize(issue.due_back_on)},
            url=reverse("admin:materials_issuerequest_change", args=[issue.pk]),
        )
        for issue in issues_overdue(user)[:10]
    ]


def _overdue_count(user) -> int:
    from backoffice.materials.models import IssueRequest
    from backoffice.materials.selectors import overdue_filter

    return IssueRequest.objects.filter(overdue_filter()).distinct().count()


def _below_reorder(user) -> int:
    from backoffice.materials.selectors import items_below_reorder

    return items_below_reorder().count()


def _expiring(user) -> int:
    from backoffice.materials.selectors import balances_expiring

    return balances_expiring(user).count()


class MaterialsConfig(AppConfig):
    name = "backoffice.materials"
    label = "materials"
    verbose_name = _("Materials and samples")

    def ready(self) -> None:
        from backoffice.core.access import (
            register_global,
            register_visibility,
            register_visibility_through,
        )
        from backoffice.core.grants import grant
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.core.timeline import register_timeline_source
        from backoffice.core.todos import register_todo
        from backoffice.materials import services
        from backoffice.materials.models import (
            IssueLine,
            IssueRequest,
            Location,
            MaterialItem,
            PrintingJob,
            StockBalance,
            StockMove,
            StockReceipt,
            StockReceiptLine,
            Stocktake,
            StocktakeLine,
            StockTransfer,
            StockTransferLine,
        )
        from backoffice.materials.selectors import (
            issue_visible_to,
            move_visible_to,
            receipt_visible_to,
            stock_visible_to,
            stocktake_visible_to,
            transfer_visible_to,
        )
        from backoffice.parties.models import Customer
        from backoffice.reviews.registry import register

        register_global(MaterialItem, Location, PrintingJob)
        register_visibility(StockBalance, stock_visible_to)
        register_visibility(StockMove, move_visible_to)
        register_visibility(StockReceipt, receipt_visible_to)
        register_visibility_through(StockReceiptLine, "receipt")
        register_visibility(StockTransfer, transfer_visible_to)
        register_visibility_through(StockTransferLine, "transfer")
        register_visibility(IssueRequest, issue_visible_to)
        register_visibility_through(IssueLine, "issue")
        register(
            IssueRequest,
            label=_("Material issue review"),
            levels=services.REVIEW_LEVELS,
            on_approved=services.issue_release,
            on_rejected=services.issue_return_to_draft,
            # who asked, who entered it, and who receives it never release it
            authors=lambda issue: [issue.owner_id, issue.created_by_id, issue.recipient_id],
        )
        register_visibility(Stocktake, stocktake_visible_to)
        register_visibility_through(StocktakeLine, "stocktake")
        register(
            Stocktake,
            label=_("Stocktake approval"),
            levels=services.STOCKTAKE_LEVELS,
            on_approved=services.stocktake_approve,
            on_rejected=services.stocktake_recount,
            authors=lambda stocktake: [stocktake.created_by_id],
        )
        register_timeline_source(
            Customer, lambda customer: (IssueRequest, customer.material_issues.all())
        )
        grant(
            {
                "rep": READ_CATALOG | ASK_ISSUES,
                "clerk": KEEP_STOCK,
                "warehouse": KEEP_STOCK,
                "sales_manager": READ_CATALOG
                | SEE_ALL
                | ASK_ISSUES
                | SEE_STOCKTAKES
                | {"materials.approve_stocktake"},
                "regional_manager": READ_CATALOG
                | READ_ISSUES
                | {"materials.view_region_issuerequests", "materials.view_region_stock"},
                "general_manager": READ_CATALOG | READ_ISSUES | SEE_ALL | SEE_STOCKTAKES,
                "finance": READ_CATALOG | READ_ISSUES | SEE_ALL | SEE_STOCKTAKES,
            }
        )
        register_todo(
            "material_loans_overdue_mine",
            order=530,
            permission="materials.view_issuerequest",
            items=_overdue_mine,
        )
        register_todo(
            "material_loans_overdue",
            order=531,
            permission="materials.receive_return",
            count=_overdue_count,
            label=ngettext_lazy(
                "%d issue of lent samples is overdue for return",
                "%d issues of lent samples are overdue for return",
            ),
            url="admin:materials_issuerequest_changelist",
            query="overdue=yes",
        )
        register_todo(
            "materials_below_reorder",
            order=532,
            permission="materials.add_stockreceipt",
            count=_below_reorder,
            label=ngettext_lazy(
                "%d material item is below its reorder level",
                "%d material items are below their reorder level",
            ),
            url="admin:materials_materialitem_changelist",
            query="stock=below",
        )
        register_todo(
            "materials_expiring",
            order=533,
            permission="materials.add_stockreceipt",
            count=_expiring,
            label=ngettext_lazy(
                "%d batch in stock expires within 30 days",
                "%d batches in stock expire within 30 days",
            ),
            url="admin:materials_stockbalance_changelist",
            query="expiry=soon",
        )
        register_nav_group("materials", _("Materials and samples"), order=47)
        for order, (label, icon, url, permission) in enumerate(
            [
                (
                    _("Material issues"),
                    "outbox",
                    "admin:materials_issuerequest_changelist",
                    "materials.view_issuerequest",
                ),
                (
                    _("Stock on hand"),
                    "inventory_2",
                    "admin:materials_stockbalance_changelist",
                    "materials.view_stockbalance",
                ),
                (
                    _("Stock receipts"),
                    "move_to_inbox",
                    "admin:materials_stockreceipt_changelist",
                    "materials.view_stockreceipt",
                ),
                (
                    _("Stock transfers"),
                    "sync_alt",
                    "admin:materials_stocktransfer_changelist",
                    "materials.view_stocktransfer",
                ),
                (
                    _("Stock movements"),
                    "swap_vert",
                    "admin:materials_stockmove_changelist",
                    "materials.view_stockmove",
                ),
                (
                    _("Stocktakes"),
                    "checklist",
                    "admin:materials_stocktake_changelist",
                    "materials.view_stocktake",
                ),
                (
                    _("Printing jobs"),
                    "print",
                    "admin:materials_printingjob_changelist",
                    "materials.view_printingjob",
                ),
                (
                    _("Material items"),
                    "category",
                    "admin:materials_materialitem_changelist",
                    "materials.view_materialitem",
                ),
                (
                    _("Stock locations"),
                    "warehouse",
                    "admin:materials_location_changelist",
                    "materials.view_location",
                ),
            ],
            start=1,
        ):
            register_nav_item(
                "materials", label, icon=icon, url=url, permission=permission, order=order * 10
            )
