"""Expenses (费用, DOMAIN §7; seed S1 §1.2, §3.2): categories mapped to ledger accounts,
budgets per region, period and category, and expense applications (费用申请) approved through
the reviews engine by amount, with the budget checked and the amount committed when one is
submitted."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel, DocumentPart
from backoffice.core.money import amount_field, rate_field
from backoffice.core.periods import period_end, period_label, period_start


class ExpenseCategory(BaseModel):
    """What money is spent on, and the ledger account its verified spending is posted to.
    Admins keep the list; a category in use is deactivated, never deleted."""

    DELETION = deletion.ALWAYS

    class Group(models.TextChoices):
        MARKETING = "marketing", _("Marketing")
        OPERATIONS = "operations", _("Operations")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    group = models.CharField(_("group"), max_length=16, choices=Group)
    account_code = models.CharField(
        _("ledger account"), max_length=16, help_text=_("the expense account it is posted to")
    )
    overspend_rate = rate_field(
        _("tolerance over the approved amount"),
        default=Decimal("0.1"),
        help_text=_("what verified spending may exceed an approved application by"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("expense category")
        verbose_name_plural = _("expense categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from backoffice.ledger.models import Account

        if not Account.objects.filter(code=self.account_code, kind=Account.Kind.EXPENSE).exists():
            raise ValidationError({"account_code": _("not an expense account of the ledger")})


class Budget(BaseModel):
    """What a region may spend on a category in a year, a quarter or a month. Applications
    in review or approved commit their amount; verified spending is spent; the rest is
    available. Several budgets may cover one application (a year's and its month's): each
    must have room."""

    DELETION = deletion.ALWAYS

    class Period(models.TextChoices):
        YEAR = "year", _("Year")
        QUARTER = "quarter", _("Quarter")
        MONTH = "month", _("Month")

    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        ExpenseCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="budgets",
    )
    period = models.CharField(_("period type"), max_length=8, choices=Period)
    starts_on = models.DateField(_("from"), help_text=_("the first day of the period"))
    amount = amount_field(_("budget"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-starts_on", "region", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "category", "period", "starts_on"],
                name="budget_once_per_period",
                violation_error_message=_(
                    "This region already has a budget for this category and period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_not_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
        ]
        permissions = [
            ("view_all_budgets", _("Can see every region's budgets")),
            ("view_region_budgets", _("Can see the budgets of own regions")),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.category} · {self.period_label}"

    def clean(self) -> None:
        if (
            self.starts_on
            and self.period
            and self.starts_on != period_start(self.starts_on, self.period)
        ):
            raise ValidationError({"starts_on": _("the first day of a month, quarter or year")})

    @property
    def ends_on(self) -> date:
        return period_end(self.starts_on, self.period)

    @property
    def period_label(self) -> str:
        return period_label(self.starts_on, self.period)


class ExpenseApplication(BaseModel):
    """An application to spend (费用申请): approved by a sales manager, and from an amount up
    by the general manager too (the reviews engine's levels, which admins edit). Submitting
    it checks the budgets and commits its amount; a general manager may let it exceed them,
    saying why."""

    DELETION = deletion.DRAFT

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        VERIFIED = "verified", _("Verified")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW, Status.CANCELLED},
        Status.IN_REVIEW: {Status.APPROVED, Status.DRAFT},
        Status.APPROVED: {Status.VERIFIED, Status.CANCELLED},
    }
    # what commits a budget: asked for, or granted and not yet spent
    COMMITTING = (Status.IN_REVIEW, Status.APPROVED)

    number = models.CharField(_("application number"), max_length=32, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        ExpenseCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expense_applications",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.TextField(_("purpose"))
    planned_on = models.DateField(_("planned date"), db_index=True)
    amount = amount_field(_("amount"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    override_reason = models.TextField(_("reason for exceeding the budget"), blank=True)
    override_amount = amount_field(
        _("amount allowed beyond the budget"), null=True, blank=True, default=None
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("budget exceeded by leave of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    spent = amount_field(_("verified spending"), help_text=_("what its verification posted"))

    class Meta:
        verbose_name = _("expense application")
        verbose_name_plural = _("expense applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="expense_application_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=~Q(number=""),
                name="expense_application_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "category", "planned_on", "status"]),
            models.Index(fields=["owner", "status"]),
        ]
        permissions = [
            ("view_all_expenseapplications", _("Can see every expense application")),
            (
                "view_region_expenseapplications",
                _("Can see the expense applications of own regions"),
            ),
            ("review_expenseapplication", _("Can review expense applications")),
            ("override_budget", _("Can let an expense application exceed its budget")),
            ("request_expense_cancel", _("Can ask to cancel an approved expense application")),
        ]

    def __str__(self) -> str:
        purpose = self.purpose if len(self.purpose) <= 24 else self.purpose[:23] + "…"
        return " ".join(part for part in (self.number, f"{self.category} · {purpose}") if part)


class ExpenseVerification(BaseModel):
    """What an approved application actually cost (核销): lines with the receipts' dates,
    amounts and invoice numbers, the scans attached; checked by finance (the reviews
    engine), then posted to the ledger: the category's expense account against what the
    company owes the applicant (2241). The unused part of the approved amount goes back to
    the budget."""

    DELETION = deletion.DRAFT

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        VERIFIED = "verified", _("Verified")

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW},
        Status.IN_REVIEW: {Status.VERIFIED, Status.DRAFT},
    }

    number = models.CharField(_("verification number"), max_length=32, blank=True)
    application = models.OneToOneField(
        ExpenseApplication,
        verbose_name=_("expense application"),
        on_delete=models.PROTECT,
        related_name="verification",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    total = amount_field(_("spent"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry",
        verbose_name=_("journal entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("expense verification")
        verbose_name_plural = _("expense verifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="expense_verification_number"
            )
        ]
        permissions = [("verify_expense", _("Can check expense verifications"))]

    def __str__(self) -> str:
        return self.number or str(self.application)


class ExpenseVerificationLine(DocumentPart):
    DELETION = deletion.with_parent("verification")

    verification = models.ForeignKey(
        ExpenseVerification, on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)
    amount = amount_field(_("amount"))
    invoice_number = models.CharField(_("invoice number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("verification line")
        verbose_name_plural = _("verification lines")
        ordering = ["verification", "line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["verification", "line_no"], name="expense_verification_line_no"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.line_no}. {self.description}"


class PettyCashFloat(BaseModel):
    """Petty cash (备用金) issued by finance to a named holder, for couriers, printing and
    business cards: posted as a receivable from the holder (1221) against cash or the bank.
    `cash_on_hand` is kept exact with every entry and settlement, in the same transaction,
    and never goes below zero: the float = cash on hand + the entries not yet settled.
    Returning it closes it, after its last settlement."""

    DELETION = deletion.NEVER

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RETURNED = "returned", _("Returned")

    TRANSITIONS = {Status.OPEN: {Status.RETURNED}}

    class Source(models.TextChoices):
        CASH = "1001", _("Cash")
        BANK = "1002", _("Bank")

    number = models.CharField(_("float number"), max_length=32, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="petty_cash_floats",
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("the holder's region, for its managers"),
    )
    amount = amount_field(_("float"))
    cash_on_hand = amount_field(_("cash on hand"))
    source = models.CharField(_("paid from"), max_length=8, choices=Source, default=Source.BANK)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.OPEN)
    issued_on = models.DateField(_("issued on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry",
        verbose_name=_("journal entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_entry = models.ForeignKey(
        "ledger.JournalEntry",
        verbose_name=_("return entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("petty cash float")
        verbose_name_plural = _("petty cash floats")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="petty_cash_float_positive",
                violation_error_message=_("The float must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(cash_on_hand__gte=0) & Q(cash_on_hand__lte=models.F("amount")),
                name="petty_cash_on_hand_within_float",
                violation_error_message=_("Cash on hand cannot go below zero."),
            ),
            models.UniqueConstraint(
                fields=["holder"],
                condition=Q(status="open"),
                name="petty_cash_one_open_float",
                violation_error_message=_("This person already holds an open float."),
            ),
        ]
        permissions = [
            ("view_all_pettycash", _("Can see everyone's petty cash")),
            ("view_region_pettycash", _("Can see the petty cash of own regions")),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.holder}"


class PettyCashSettlement(BaseModel):
    """A holder's month of petty cash settled (备用金报销): the month's entries with totals
    by category, approved by the sales manager and then finance (the reviews engine). Once
    settled, the spending is posted against the holder's receivable, the float topped up to
    its amount, and the month locked."""

    DELETION = deletion.DRAFT

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        SETTLED = "settled", _("Settled")

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW},
        Status.IN_REVIEW: {Status.SETTLED, Status.DRAFT},
    }
    LOCKING = (Status.IN_REVIEW, Status.SETTLED)

    number = models.CharField(_("settlement number"), max_length=32, unique=True)
    petty_float = models.ForeignKey(
        PettyCashFloat,
        verbose_name=_("petty cash float"),
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    month = models.DateField(_("month"), help_text=_("its first day"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    total = amount_field(_("total"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry",
        verbose_name=_("journal entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("petty cash settlement")
        verbose_name_plural = _("petty cash settlements")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["petty_float", "month"],
                name="petty_cash_settlement_once_a_month",
                violation_error_message=_("This float's month already has a settlement."),
            )
        ]
        permissions = [
            ("review_pettycashsettlement", _("Can approve petty cash settlements")),
            ("settle_pettycash", _("Can settle petty cash (finance)")),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.petty_float.holder} · {self.month:%Y-%m}"


class PettyCashEntry(BaseModel):
    """One payment out of a float: date, category, amount, what for, the invoice number and
    the receipt's scan. Kept until its month is settled; removable while its settlement is
    a draft (the cash comes back)."""

    DELETION = deletion.when(
        lambda entry: (
            entry.settlement_id is None
            or entry.settlement.status == PettyCashSettlement.Status.DRAFT
        )
    )

    petty_float = models.ForeignKey(
        PettyCashFloat,
        verbose_name=_("petty cash float"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    spent_on = models.DateField(_("date"))
    category = models.ForeignKey(
        ExpenseCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = amount_field(_("amount"))
    description = models.CharField(_("description"), max_length=200)
    invoice_number = models.CharField(_("invoice number"), max_length=40, blank=True)
    settlement = models.ForeignKey(
        PettyCashSettlement,
        verbose_name=_("settlement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("petty cash entry")
        verbose_name_plural = _("petty cash entries")
        ordering = ["-spent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="petty_cash_entry_positive",
                violation_error_message=_("The amount must be more than zero."),
            )
        ]
        indexes = [models.Index(fields=["petty_float", "spent_on"])]

    def __str__(self) -> str:
        return f"{self.spent_on} · {self.description} · {self.amount}"
