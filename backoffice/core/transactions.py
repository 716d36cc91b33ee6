"""Transactions for the steps services are made of."""

import functools
from collections.abc import Callable

from django.db import connection, transaction


def atomic_or_joined[**P, R](step: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic` for a call outside any transaction; a call inside one (a
    service's) joins it without a savepoint of its own, which would cost two round trips
    to the database on every call.

    For steps (a transition, opening a review) that raise their refusals before they write,
    so that a caller may still catch one and go on, and whose other failures fail the
    caller's transaction as a whole."""

    @functools.wraps(step)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            return step(*args, **kwargs)
        with transaction.atomic():
            return step(*args, **kwargs)

    return run
