"""The staff UI's steps (core.steps): every declared step of every admin goes through a
guarded service, and a user without its permission is refused before anything is read."""

import pytest
from django.contrib import admin
from django.urls import reverse

from backoffice.accounts.services import user_create
from backoffice.core.access import service_permission

STEPPED = [
    (model_admin, step)
    for model_admin in admin.site._registry.values()
    for step in getattr(model_admin, "steps", [])
]


def _url(model_admin, step, pk: int) -> str:
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_step", args=[pk, step.name])


def test_the_documents_declare_their_steps():
    names = {f"{a.model._meta.label_lower}:{s.name}" for a, s in STEPPED}
    assert {
        "sales.salesorder:deliver",
        "sales.salesorder:invoice",
        "sales.delivery:shipped",
        "sales.delivery:signed",
        "sales.delivery:returned",
        "sales.invoice:issue",
        "sales.invoice:reverse",
        "contracts.contract:sign",
        "contracts.contract:terminate",
        "contracts.contract:cancel",
        "parties.feedback:answer",
        "reports.reportpack:sign_off",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model_admin", "step"),
    STEPPED,
    ids=[f"{a.model._meta.label_lower}:{s.name}" for a, s in STEPPED],
)
def test_a_user_without_the_step_permission_is_refused(client, model_admin, step, outsider):
    assert step.permission == service_permission(step.service)
    client.force_login(outsider)  # staff, no permission at all
    assert client.post(_url(model_admin, step, 10**9)).status_code == 403
    assert client.get(_url(model_admin, step, 10**9)).status_code == 405
    # Someone who has the permission gets as far as looking the record up.
    allowed = user_create(username="allowed", role="admin")
    allowed.is_superuser = True
    allowed.save()
    client.force_login(allowed)
    assert client.post(_url(model_admin, step, 10**9)).status_code == 404


@pytest.mark.django_db
def test_a_step_shows_only_when_the_move_is_allowed_and_the_user_may_make_it(
    clerk, outsider, rep_wang
):
    from backoffice.parties.models import Feedback

    feedback_admin = admin.site._registry[Feedback]
    steps = {step.name: step for step in feedback_admin.steps}
    new = Feedback(status=Feedback.Status.NEW)
    answered = Feedback(status=Feedback.Status.ANSWERED)
    assert steps["start"].available(new, clerk) and not steps["start"].available(answered, clerk)
    assert steps["reopen"].available(answered, clerk) and not steps["close"].available(new, clerk)
    assert not steps["start"].available(new, outsider)
