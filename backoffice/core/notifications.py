"""Tell people things: an in-app notification always, an email when email is configured.

Email goes out only after the transaction commits, through the task queue, so a rolled-back
decision never mails anyone and a slow mail server never slows a request.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task

from backoffice.core.models import Notification, Text


@task()
def notification_email_send(*, recipients: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def notify(
    *,
    recipients: Iterable[Any],
    title: str | Text,
    body: str | Text = "",
    url: str = "",
    in_app: bool = True,
    email: bool = True,
) -> int:
    """Create one notification per recipient; email them after commit. Returns the count.

    in_app=False when the app already lists the matter elsewhere (a review waiting for
    someone is in their "My reviews" queue and to-dos): then only the email goes out.
    email=False when the caller mails something richer itself (a report pack's files).

    Pass title and body as `Text(gettext_noop("…%(x)s…"), x=…)`: each reader then sees them
    in their own language, whenever they read them; a plain string is shown as written.
    """
    people = {user.pk: user for user in recipients if user is not None}.values()
    if in_app:
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    title=str(title)[:200],
                    body=str(body),
                    url=url,
                    message=Text.stored(title=title, body=body),
                )
                for user in people
            ]
        )
    emails = sorted({user.email for user in people if user.email})
    if email and emails and getattr(settings, "EMAIL_ENABLED", False):
        text = f"{body}\n\n{url}".strip()
        subject = str(title)
        transaction.on_commit(
            lambda: notification_email_send.enqueue(recipients=emails, subject=subject, body=text)
        )
    return len(people)
