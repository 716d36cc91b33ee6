"""The double-review (four-eyes, 双人复核) engine's records.

A ReviewPolicy per document kind says how many distinct people of which permission (and
optionally which role) must approve, in levels by amount. At submission the applicable
levels are frozen onto the ReviewRequest; later policy edits never change an open review.
"""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.core.money import amount_field


class ReviewPolicy(BaseModel):
    DELETION = deletion.ALWAYS

    kind = models.CharField(_("document kind"), max_length=100, unique=True)
    label = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("review policy")
        verbose_name_plural = _("review policies")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(self.kind_label)

    @property
    def kind_label(self) -> Any:
        """The policy's name in the reader's language (the stored label is the English one
        the engine wrote when it created the policy)."""
        from backoffice.reviews.registry import _registry

        registration = _registry.get(self.kind)
        return registration.label if registration else self.label

    @property
    def document_label(self) -> Any:
        """The kind of document, as its model names itself: 销售订单, not sales.salesorder."""
        return document_kind_label(self.kind)


def document_kind_label(kind: str) -> Any:
    from django.apps import apps

    try:
        return apps.get_model(kind)._meta.verbose_name
    except (LookupError, ValueError):
        return kind


class ReviewPolicyLevel(models.Model):
    """One level of approval. A level with a threshold applies only from that amount up."""

    DELETION = deletion.ALWAYS

    policy = models.ForeignKey(
        ReviewPolicy,
        verbose_name=_("review policy"),
        on_delete=models.CASCADE,
        related_name="levels",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    min_amount = amount_field(_("from amount"), null=True, blank=True, default=None)
    approvals = models.PositiveSmallIntegerField(
        _("approvals required"), default=1, validators=[MinValueValidator(1)]
    )
    reviewer_permission = models.CharField(
        _("reviewer permission"), max_length=150, help_text=_("app_label.codename")
    )
    reviewer_role = models.CharField(
        _("reviewer role"), max_length=32, blank=True, help_text=_("optional role code")
    )

    class Meta:
        verbose_name = _("review level")
        verbose_name_plural = _("review levels")
        ordering = ["policy", "position", "id"]

    def __str__(self) -> str:
        return f"{self.policy} #{self.position}"

    def snapshot(self) -> dict:
        return {
            "position": self.position,
            "min_amount": None if self.min_amount is None else str(self.min_amount),
            "approvals": self.approvals,
            "permission": self.reviewer_permission,
            "role": self.reviewer_role,
        }


class ReviewRequest(BaseModel):
    """The review of one document; each submission starts a new round."""

    DELETION = deletion.NEVER

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Sent back")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("document kind"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("document id"))
    object_repr = models.CharField(_("document"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="review_requests",
    )
    excluded_reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("may not review")
    )
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.OPEN)
    round = models.PositiveIntegerField(_("round"), default=1)
    level_index = models.PositiveSmallIntegerField(_("level"), default=0)
    levels = models.JSONField(_("levels"), default=list)
    amount = amount_field(_("amount"), null=True, blank=True, default=None)
    current_permission = models.CharField(
        _("current reviewer permission"), max_length=150, blank=True, db_index=True
    )
    current_role = models.CharField(_("current reviewer role"), max_length=32, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="reviews_one_request_per_document"
            )
        ]
        indexes = [models.Index(fields=["state", "current_permission", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.object_repr} ({self.get_state_display()})"

    @property
    def current_level(self) -> dict:
        return self.levels[self.level_index] if self.levels else {}


class ReviewDecision(models.Model):
    DELETION = deletion.NEVER

    class Verdict(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    request = models.ForeignKey(
        ReviewRequest, verbose_name=_("review"), on_delete=models.PROTECT, related_name="decisions"
    )
    round = models.PositiveIntegerField(_("round"))
    level_index = models.PositiveSmallIntegerField(_("level"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_decisions",
    )
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict)
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["round", "decided_at", "id"]
        constraints = [
            # Four-eyes: one person counts once per round, whatever the level.
            models.UniqueConstraint(
                fields=["request", "round", "reviewer"], name="reviews_one_decision_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_verdict_display()}"


class ReversalRequest(BaseModel):
    DELETION = deletion.NEVER

    """A request to undo what reviewers approved (issue 15 §20): cancel an approved order or
    contract, terminate a contract, reverse an invoice with a red letter. It is itself a
    document under review, with the original's frozen levels, so that one person never
    undoes what two had to approve; its requester never reviews it. The action to run on
    approval is registered by the document's app (reviews.reversals.register_reversal)."""

    class Status(models.TextChoices):
        IN_REVIEW = "in_review", _("In review")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    TRANSITIONS = {Status.IN_REVIEW: {Status.DONE, Status.REFUSED}}

    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("document id"))
    object_repr = models.CharField(_("document"), max_length=200)
    reason = models.TextField(_("reason"))
    arguments = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(
        _("state"), max_length=16, choices=Status, default=Status.IN_REVIEW, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reversal request")
        verbose_name_plural = _("reversal requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action_label}: {self.object_repr}"

    @property
    def action_label(self) -> Any:
        from backoffice.reviews.reversals import reversal_for

        try:
            return reversal_for(self.action).label
        except LookupError:
            return self.action
