"""The chart of accounts and the double-entry journal (DOMAIN §4, S1 §2.3). The ledger knows
documents only by their model label, id and number: sales posts to it, it never imports sales."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.money import amount_field


class Account(models.Model):
    DELETION = deletion.NEVER

    class Kind(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        REVENUE = "revenue", _("Revenue")
        EXPENSE = "expense", _("Expense")
        EQUITY = "equity", _("Equity")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("chart of accounts")
        ordering = ["code"]
        permissions = [("view_general_ledger", _("Can see the general ledger"))]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JournalEntry(models.Model):
    DELETION = deletion.NEVER

    number = models.CharField(_("voucher number"), max_length=32, unique=True)
    posted_on = models.DateField(_("date"), db_index=True)
    source_model = models.CharField(_("source type"), max_length=64)
    source_id = models.PositiveBigIntegerField(_("source id"))
    source_number = models.CharField(_("source document"), max_length=40, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-posted_on", "-id"]
        indexes = [models.Index(fields=["source_model", "source_id"])]

    def __str__(self) -> str:
        return self.number


class JournalLine(models.Model):
    DELETION = deletion.NEVER

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines"
    )
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal_lines",
    )
    posted_on = models.DateField(_("date"))  # the entry's, repeated for fast statements
    debit = amount_field(_("debit"))
    credit = amount_field(_("credit"))

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        indexes = [
            models.Index(fields=["customer", "account", "posted_on"]),
            models.Index(fields=["account", "posted_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gte=0) & Q(credit=0)) | (Q(credit__gte=0) & Q(debit=0)),
                name="ledger_line_one_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.debit or -self.credit}"
