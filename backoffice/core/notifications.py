"""Tell people things: an in-app notification always, an email when email is configured.

Email goes out only after the transaction commits, through the task queue, so a rolled-back
decision never mails anyone and a slow mail server never slows a request. Each person gets a
mail of their own (nobody sees who else was told), written in their language (`language_of`;
a `Text` is rendered again in it), with a link that opens from a mail client (`absolute_url`,
on the SITE_URL setting).
"""

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import translation

from backoffice.core.models import Notification, Text
from backoffice.core.writes import insert_instances_later


@task()
def notification_email_send(*, recipients: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def language_of(person: Any) -> str:
    """The language a person reads the system's mail in: their own choice, else the site's."""
    return getattr(person, "language", "") or settings.LANGUAGE_CODE


def absolute_url(path: str) -> str:
    """A page's address as a mail client can open it: the site's path on SITE_URL."""
    if not path or urlsplit(path).scheme:
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def in_active_language(text: Any) -> str:
    """A `Text` rendered again in the language active now; any other text as it is."""
    return Text.render(text.msgid, text.params) if isinstance(text, Text) else str(text)


def _mails(people: Iterable[Any], *, title: Any, body: Any, url: str) -> list[dict[str, Any]]:
    """One mail per address: subject and text in the recipient's language."""
    mails: dict[str, dict[str, Any]] = {}
    for person in people:
        if not person.email or person.email in mails:
            continue
        with translation.override(language_of(person)):
            subject = in_active_language(title)
            text = f"{in_active_language(body)}\n\n{absolute_url(url)}".strip()
        mails[person.email] = {"recipients": [person.email], "subject": subject, "body": text}
    return [mails[address] for address in sorted(mails)]


def emails_sent() -> bool:
    """Whether `notify` mails anyone: only when email is configured (EMAIL_ENABLED)."""
    return getattr(settings, "EMAIL_ENABLED", False)


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
        insert_instances_later(  # one INSERT, with the step's other writes (core.writes)
            Notification(
                recipient=user,
                title=str(title)[:200],
                body=str(body),
                url=url,
                message=Text.stored(title=title, body=body),
            )
            for user in people
        )
    mails = _mails(people, title=title, body=body, url=url) if email and emails_sent() else []
    if mails:

        def send() -> None:
            for mail in mails:
                notification_email_send.enqueue(**mail)

        transaction.on_commit(send)
    return len(people)
