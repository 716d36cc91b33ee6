"""Documents plug into the engine here (STYLE §5). The engine imports no domain app:

reviews.register(
    Qualification,
    label=_("Qualification papers"),
    levels=[Level(approvals=2, permission="parties.review_qualification")],
    on_approved=qualification_verify,      # (obj, *, by, request) -> None
    on_rejected=qualification_return,      # (obj, *, by, note, request) -> None
    authors=lambda q: [q.uploaded_by_id],  # the makers (users or ids): never reviewers
    on_refused=None,   # (obj, *, by, error, request) -> None: on_approved refused to release
    load=None,         # (pk) -> obj, read as on_approved wants it (locked…), instead of the engine
)
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Level:
    """Default level: `approvals` distinct people with `permission` (and `role`, if given)."""

    approvals: int
    permission: str
    role: str = ""
    min_amount: Decimal | None = None


@dataclass(frozen=True)
class Registration:
    kind: str
    model: type[models.Model]
    label: Any
    levels: tuple[Level, ...]
    on_approved: Callable[..., Any]
    on_rejected: Callable[..., Any]
    amount: Callable[[Any], Decimal | None] | None = None
    authors: Callable[[Any], list[Any]] | None = None
    on_refused: Callable[..., Any] | None = None
    # The levels frozen for this document, decided by the document rather than by a policy
    # (a reversal request takes its original's): no policy is kept for such a kind.
    levels_for: Callable[[Any], list[dict]] | None = None
    # The rows the document's description names (an invoice its customer): read with it.
    related: tuple[str, ...] = ()
    # (pk) -> document: the document read as its on_approved wants it (locked, with its
    # lines…), in place of the engine's plain read of it (and `related`) when the decision
    # releases it: one query, not two. Other decisions read it plainly and lock nothing more.
    load: Callable[[Any], Any] | None = None
    extra: dict = field(default_factory=dict)


_registry: dict[str, Registration] = {}


def kind_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def register(
    model: type[models.Model],
    *,
    label: Any,
    levels: list[Level],
    on_approved: Callable[..., Any],
    on_rejected: Callable[..., Any],
    amount: Callable[[Any], Decimal | None] | None = None,
    authors: Callable[[Any], list[Any]] | None = None,
    on_refused: Callable[..., Any] | None = None,
    levels_for: Callable[[Any], list[dict]] | None = None,
    related: tuple[str, ...] = (),
    load: Callable[[Any], Any] | None = None,
) -> Registration:
    if not levels and levels_for is None:
        raise ValueError("a review needs at least one level")
    registration = Registration(
        kind=kind_of(model),
        model=model,
        label=label,
        levels=tuple(levels),
        on_approved=on_approved,
        on_rejected=on_rejected,
        amount=amount,
        authors=authors,
        on_refused=on_refused,
        levels_for=levels_for,
        related=related,
        load=load,
    )
    _registry[registration.kind] = registration
    return registration


def registration_for(kind_or_model: str | type[models.Model]) -> Registration:
    kind = kind_or_model if isinstance(kind_or_model, str) else kind_of(kind_or_model)
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(f"{kind} is not registered for review") from None


def registrations() -> list[Registration]:
    return list(_registry.values())
