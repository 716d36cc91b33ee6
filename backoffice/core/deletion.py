"""When a record may be deleted, and the guard that every deletion passes.

Each model of the project declares a rule in its class, as `DELETION` (read beside
`TRANSITIONS`):

    class Delivery(BaseModel):
        DELETION = deletion.DRAFT                   # only while a draft
    class DeliveryLine(models.Model):
        DELETION = deletion.with_parent("delivery")   # goes with its delivery
    class JournalEntry(models.Model):
        DELETION = deletion.NEVER                   # corrected by a reversing entry

Nothing that has left draft is ever deleted: a mistake is corrected by the document's own
reversal (cancel, return, red letter, reversing entry). The guard is a `pre_delete` receiver
on every model with a rule, so it runs for `obj.delete()`, `QuerySet.delete()` and every
cascade (a model with a receiver is never fast-deleted, so no row escapes it); the admin
(`BaseModelAdmin`) and the API read the same rule to hide and refuse deletion with
`NotDeletable` (409). The ledger tables also carry database triggers (`ledger/guard.py`).
`tests/platform/test_no_deletion.py` fails for a model that declares no rule.

A row its rule lets go may still be kept by a record that refers to it from outside its app:
a draft that has been through review (sent back) keeps its reviewers' decisions, so it is
no longer a pure draft. Such apps register a keeper (`register_keeper`), asked by the same
guard, so that every path refuses alike.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError, ErrorCode


class NotDeletable(ApplicationError):
    status = 409
    code = ErrorCode.NOT_DELETABLE
    default_message = _(
        "This record cannot be deleted: it is no longer a draft or it is part of the books. "
        "Correct a mistake with the document's own reversal: cancel it, return it, issue a "
        "red letter or post a reversing entry."
    )

    def __init__(self, obj: models.Model | None = None, message: Any = None) -> None:
        if obj is None:
            super().__init__()
            return
        super().__init__(
            message
            or _(
                "%(model)s “%(record)s” cannot be deleted: it is no longer a draft or it is "
                "part of the books. Correct a mistake with the document's own reversal: "
                "cancel it, return it, issue a red letter or post a reversing entry."
            )
            % {"model": obj._meta.verbose_name, "record": obj},
            extra={"model": obj._meta.label_lower, "id": obj.pk},
        )


class StillReferenced(NotDeletable):
    """Deletable by its rule, but other records refer to it (`on_delete=PROTECT`)."""

    def __init__(self, obj: models.Model) -> None:
        ApplicationError.__init__(
            self,
            _("%(model)s “%(record)s” cannot be deleted: other records refer to it.")
            % {"model": obj._meta.verbose_name, "record": obj},
            extra={"model": obj._meta.label_lower, "id": obj.pk},
        )


class Rule:
    """When a row of a model may be deleted."""

    # True when no row of the model may ever be deleted: the admin then offers no delete
    # button and no bulk delete action at all.
    never: bool = False

    def allows(self, obj: Any) -> bool:
        raise NotImplementedError


class _Never(Rule):
    never = True

    def allows(self, obj: Any) -> bool:
        return False

    def __repr__(self) -> str:
        return "NEVER"


class _Always(Rule):
    """Master data and settings: deletable, but `on_delete=PROTECT` keeps a row that a
    document or a posting refers to."""

    def allows(self, obj: Any) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALWAYS"


@dataclass(frozen=True)
class InStatus(Rule):
    statuses: tuple[str, ...]
    field: str = "status"

    def allows(self, obj: Any) -> bool:
        return getattr(obj, self.field) in self.statuses


@dataclass(frozen=True)
class WithParent(Rule):
    """A document's own lines: deletable exactly when their document is."""

    parent: str

    def allows(self, obj: Any) -> bool:
        # The parent's rule, not its keepers: a draft sent back by its reviewers is kept
        # whole, but its lines are still edited (and removed) like any draft's.
        parent = getattr(obj, self.parent, None)
        return parent is None or _rule_allows(parent)


@dataclass(frozen=True)
class When(Rule):
    test: Callable[[Any], bool]

    def allows(self, obj: Any) -> bool:
        return bool(self.test(obj))


NEVER: Rule = _Never()
ALWAYS: Rule = _Always()
DRAFT: Rule = InStatus(("draft",))


def with_parent(field: str) -> Rule:
    return WithParent(field)


def when(test: Callable[[Any], bool]) -> Rule:
    return When(test)


def rule_for(model: type[models.Model]) -> Rule | None:
    rule = getattr(model, "DELETION", None)
    return rule if isinstance(rule, Rule) else None


# Why a row that its rule lets go is kept all the same: `keeper(obj)` answers a message
# saying so (the refusal's), or None (register_keeper).
Keeper = Callable[[models.Model], Any]
_keepers: list[Keeper] = []


def register_keeper(keeper: Keeper) -> None:
    """An app whose records refer to other apps' rows (the review engine) keeps those rows:
    `keeper(obj)` is the message refusing the deletion of `obj`, or None. Asked only for a
    row its rule would let go, so it costs nothing on rows already protected."""
    if keeper not in _keepers:
        _keepers.append(keeper)


def _rule_allows(obj: models.Model) -> bool:
    rule = rule_for(type(obj))
    return rule is None or rule.allows(obj)


def deletion_refusal(obj: models.Model) -> NotDeletable | None:
    """Why this row may not be deleted (its rule, or a keeper), or None when it may. A model
    without a rule (Django's own) is not guarded."""
    rule = rule_for(type(obj))
    if rule is None:
        return None
    if not rule.allows(obj):
        return NotDeletable(obj)
    for keeper in _keepers:
        message = keeper(obj)
        if message:
            return NotDeletable(obj, message=message)
    return None


def deletable(obj: models.Model) -> bool:
    """May this row be deleted?"""
    return deletion_refusal(obj) is None


def never_deletable(model: type[models.Model]) -> bool:
    rule = rule_for(model)
    return rule is not None and rule.never


def check_deletable(obj: models.Model) -> None:
    refusal = deletion_refusal(obj)
    if refusal is not None:
        raise refusal


def _guard(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    check_deletable(instance)


def install_deletion_guard() -> None:
    """Connect the guard to each model that declares a rule (from CoreConfig.ready, once all
    models are loaded). Connected per model, so that Django still fast-deletes the rows of
    models without a rule (sessions, task results)."""
    from django.apps import apps

    for model in apps.get_models():
        if rule_for(model) is not None:
            pre_delete.connect(_guard, sender=model, dispatch_uid=f"deletion-{model._meta.label}")
