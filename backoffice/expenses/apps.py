from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

READ_APPLICATIONS = {
    "expenses.view_expenseapplication",
    "expenses.view_expensecategory",
    "expenses.view_expenseverification",
    "expenses.view_expenseverificationline",
}
KEEP_APPLICATIONS = READ_APPLICATIONS | {
    "expenses.add_expenseapplication",
    "expenses.change_expenseapplication",
}
SEE_ALL_APPLICATIONS = {"expenses.view_all_expenseapplications"}
REVIEW_APPLICATIONS = {"expenses.review_expenseapplication"}
ASK_CANCEL = {"expenses.request_expense_cancel"}
READ_BUDGETS = {"expenses.view_budget", "expenses.view_all_budgets"}
KEEP_BUDGETS = READ_BUDGETS | {
    "expenses.add_budget",
    "expenses.change_budget",
    "expenses.add_expensecategory",
    "expenses.change_expensecategory",
}

# The chart's accounts of expenses (posted to when spending is verified), the employees'
# advances and what the company owes them.
ACCOUNTS = [
    ("6601", "销售费用"),
    ("660101", "销售费用—会议费"),
    ("660102", "销售费用—学术推广费"),
    ("660103", "销售费用—赞助费"),
    ("660104", "销售费用—业务招待费"),
    ("660105", "销售费用—样品及礼品"),
    ("660106", "销售费用—快递费"),
    ("660107", "销售费用—印刷费"),
    ("660108", "销售费用—名片费"),
    ("660109", "销售费用—办公费"),
    ("660110", "销售费用—差旅费"),
]
READ_PETTY_CASH = {
    "expenses.view_pettycashfloat",
    "expenses.view_pettycashentry",
    "expenses.view_pettycashsettlement",
    "expenses.view_expensecategory",
}
# what a holder does with the float in their hands: spend, take back, settle each month
HOLD_PETTY_CASH = READ_PETTY_CASH | {
    "expenses.add_pettycashentry",
    "expenses.delete_pettycashentry",
    "expenses.add_pettycashsettlement",
    "expenses.change_pettycashsettlement",
}
SEE_ALL_PETTY_CASH = {"expenses.view_all_pettycash"}
ISSUE_PETTY_CASH = {
    "expenses.add_pettycashfloat",
    "expenses.change_pettycashfloat",
    "expenses.settle_pettycash",
}
OTHER_RECEIVABLES = "1221"
OTHER_PAYABLES = "2241"


def _settlements_due(user):
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.translation import gettext

    from backoffice.core.todos import Todo
    from backoffice.expenses.selectors import SETTLE_BY_DAY, settlements_due

    return [
        Todo(
            title=gettext("Settle the petty cash of %(month)s (%(float)s) by day %(day)s")
            % {
                "month": date_format(month, "YEAR_MONTH_FORMAT"),
                "float": petty_float.number,
                "day": SETTLE_BY_DAY,
            },
            url=reverse("admin:expenses_pettycashfloat_change", args=[petty_float.pk]),
        )
        for petty_float, month in settlements_due(user)
    ]


def _verifications_overdue(user):
    from django.urls import reverse
    from django.utils.formats import localize
    from django.utils.translation import gettext

    from backoffice.core.todos import Todo
    from backoffice.expenses.selectors import verifications_overdue

    return [
        Todo(
            title=gettext("%(application)s: verify what it cost (planned for %(date)s)")
            % {"application": application, "date": localize(application.planned_on)},
            url=reverse("admin:expenses_expenseapplication_change", args=[application.pk]),
        )
        for application in verifications_overdue(user)
    ]


class ExpensesConfig(AppConfig):
    name = "backoffice.expenses"
    label = "expenses"
    verbose_name = _("Expenses")

    def ready(self) -> None:
        from backoffice.core.access import (
            register_global,
            register_visibility,
            register_visibility_through,
        )
        from backoffice.core.grants import grant
        from backoffice.core.list_columns import register_list_column
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.core.timeline import register_timeline_source
        from backoffice.core.todos import register_todo
        from backoffice.expenses import services
        from backoffice.expenses.models import (
            Budget,
            ExpenseApplication,
            ExpenseCategory,
            ExpenseVerification,
            ExpenseVerificationLine,
            PettyCashEntry,
            PettyCashFloat,
            PettyCashSettlement,
        )
        from backoffice.expenses.selectors import (
            application_visible_to,
            budget_cells,
            budget_visible_to,
            float_visible_to,
        )
        from backoffice.ledger.models import Account
        from backoffice.ledger.services.journal import register_account
        from backoffice.parties.models import Customer
        from backoffice.reviews.registry import Level, register
        from backoffice.reviews.reversals import register_reversal

        for code, name in ACCOUNTS:
            register_account(code, name, Account.Kind.EXPENSE)
        register_account(OTHER_RECEIVABLES, "其他应收款", Account.Kind.ASSET)
        register_account(OTHER_PAYABLES, "其他应付款", Account.Kind.LIABILITY)
        register_visibility(ExpenseApplication, application_visible_to)
        register_visibility(Budget, budget_visible_to)
        register_global(ExpenseCategory)
        register_timeline_source(
            Customer, lambda customer: (ExpenseApplication, customer.expense_applications.all())
        )
        register(
            ExpenseApplication,
            label=_("Expense application review"),
            levels=services.DEFAULT_REVIEW_LEVELS,
            on_approved=services.application_approve,
            on_rejected=services.application_return,
            amount=lambda application: application.amount,
            authors=lambda application: [application.owner_id, application.created_by_id],
        )
        register_visibility_through(ExpenseVerification, "application")
        register_visibility_through(ExpenseVerificationLine, "verification")
        register(
            ExpenseVerification,
            label=_("Expense verification check"),
            levels=[Level(approvals=1, permission="expenses.verify_expense", role="finance")],
            on_approved=services.verification_approve,
            on_rejected=services.verification_return,
            amount=lambda verification: verification.total,
            authors=lambda verification: [
                verification.application.owner_id,
                verification.created_by_id,
            ],
        )
        register_visibility(PettyCashFloat, float_visible_to)
        register_visibility_through(PettyCashEntry, "petty_float")
        register_visibility_through(PettyCashSettlement, "petty_float")
        register(
            PettyCashSettlement,
            label=_("Petty cash settlement"),
            levels=services.SETTLEMENT_LEVELS,
            on_approved=services.settlement_settle,
            on_rejected=services.settlement_return,
            amount=lambda settlement: settlement.total,
            # whoever recorded its spending (finance may, for a holder) never approves it
            authors=lambda settlement: [
                settlement.petty_float.holder_id,
                settlement.created_by_id,
                *settlement.entries.values_list("created_by_id", flat=True).distinct(),
            ],
        )
        register_reversal(
            ExpenseApplication,
            action="cancel",
            label=_("Cancellation of an approved expense application"),
            permission="expenses.request_expense_cancel",
            apply=services.application_cancel_approved,
        )
        for key, title in (
            ("committed", _("Committed")),
            ("spent", _("Spent")),
            ("available", _("Available")),
        ):
            register_list_column(
                Budget,
                key=key,
                title=title,
                permission="expenses.view_budget",
                values=lambda budgets, user, key=key: budget_cells(budgets, key),
            )
        grant(
            {
                "rep": KEEP_APPLICATIONS | ASK_CANCEL | HOLD_PETTY_CASH,
                "clerk": KEEP_APPLICATIONS
                | SEE_ALL_APPLICATIONS
                | READ_BUDGETS
                | HOLD_PETTY_CASH
                | SEE_ALL_PETTY_CASH,
                "sales_manager": KEEP_APPLICATIONS
                | SEE_ALL_APPLICATIONS
                | REVIEW_APPLICATIONS
                | ASK_CANCEL
                | READ_BUDGETS
                | HOLD_PETTY_CASH
                | SEE_ALL_PETTY_CASH
                | {"expenses.review_pettycashsettlement"},
                "regional_manager": READ_APPLICATIONS
                | READ_PETTY_CASH
                | {
                    "expenses.view_region_expenseapplications",
                    "expenses.view_budget",
                    "expenses.view_region_budgets",
                    "expenses.view_region_pettycash",
                },
                "general_manager": READ_APPLICATIONS
                | SEE_ALL_APPLICATIONS
                | REVIEW_APPLICATIONS
                | {"expenses.override_budget"}
                | READ_BUDGETS
                | READ_PETTY_CASH
                | SEE_ALL_PETTY_CASH,
                "finance": READ_APPLICATIONS
                | SEE_ALL_APPLICATIONS
                | KEEP_BUDGETS
                | {"expenses.verify_expense"}
                | HOLD_PETTY_CASH
                | SEE_ALL_PETTY_CASH
                | ISSUE_PETTY_CASH,
            }
        )
        register_todo(
            "expense_verifications_overdue",
            order=520,
            permission="expenses.change_expenseapplication",
            items=_verifications_overdue,
        )
        register_todo(
            "petty_cash_settlements_due",
            order=525,
            permission="expenses.add_pettycashsettlement",
            items=_settlements_due,
        )
        register_nav_group("expenses", _("Expenses"), order=45)
        register_nav_item(
            "expenses",
            _("Expense applications"),
            icon="request_quote",
            url="admin:expenses_expenseapplication_changelist",
            permission="expenses.view_expenseapplication",
            order=10,
        )
        register_nav_item(
            "expenses",
            _("Expense verifications"),
            icon="fact_check",
            url="admin:expenses_expenseverification_changelist",
            permission="expenses.view_expenseverification",
            order=15,
        )
        register_nav_item(
            "expenses",
            _("Budgets"),
            icon="savings",
            url="admin:expenses_budget_changelist",
            permission="expenses.view_budget",
            order=20,
        )
        register_nav_item(
            "expenses",
            _("Petty cash"),
            icon="account_balance_wallet",
            url="admin:expenses_pettycashfloat_changelist",
            permission="expenses.view_pettycashfloat",
            order=22,
        )
        register_nav_item(
            "expenses",
            _("Petty cash settlements"),
            icon="receipt_long",
            url="admin:expenses_pettycashsettlement_changelist",
            permission="expenses.view_pettycashsettlement",
            order=24,
        )
        register_nav_item(
            "expenses",
            _("Expense categories"),
            icon="category",
            url="admin:expenses_expensecategory_changelist",
            permission="expenses.view_expensecategory",
            order=30,
        )
