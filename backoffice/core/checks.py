"""Checks of our own: every model's scope (each start-up), and the deployment settings
(`manage.py check --deploy`, `make check-deploy`)."""

from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def site_url_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """The links in mails are built on SITE_URL: in production it must be the site's public
    https address, on a host the site answers to."""
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme != "https" or not parts.hostname:
        return [
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: the links in mails would not open.",
                hint="Set SITE_URL to the site's public address, e.g. https://backoffice.example.com",
                id="backoffice.W001",
            )
        ]
    if not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        return [
            Warning(
                f"SITE_URL's host {parts.hostname!r} is not in ALLOWED_HOSTS.",
                hint="Mail links would be refused: use the host the site answers to.",
                id="backoffice.W002",
            )
        ]
    return []


@register()
def model_scope_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every model, and every model with an admin page, declares its scope (core.access): a
    visibility rule, or global. One that declared neither would be refused at request time
    by the admin and the audit trail; found here, it stops the start-up instead. An admin
    of a scoped model must apply the scope (a global model's, such as the task results of
    a third-party app, has nothing to limit)."""
    from django.contrib import admin

    from backoffice.core.access import has_declared_scope, is_global
    from backoffice.core.admin import VisibleRows

    errors = []
    for model in apps.get_models():
        if not has_declared_scope(model):
            errors.append(
                Error(
                    f"{model._meta.label_lower} declares no scope.",
                    hint="Register its visibility (core.access.register_visibility or "
                    "register_visibility_through) or declare it global "
                    "(core.access.register_global) in its app's ready().",
                    obj=model,
                    id="backoffice.E010",
                )
            )
    for model, model_admin in admin.site._registry.items():
        if not is_global(model._meta.label_lower) and not isinstance(model_admin, VisibleRows):
            errors.append(
                Error(
                    f"The admin of {model._meta.label_lower} does not limit its rows to "
                    "what the user may see.",
                    hint="Derive it from core.admin.BaseModelAdmin or core.admin.VisibleRows.",
                    obj=model_admin,
                    id="backoffice.E011",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def trusted_proxies_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Behind a reverse proxy every request comes from the proxy's address: with
    TRUSTED_PROXIES=0 all clients are one, and one guesser's failures lock the whole company
    out of logging in (accounts.logins)."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXIES == 0:
        return [
            Warning(
                "BEHIND_PROXY is set but TRUSTED_PROXIES is 0: every client has the proxy's "
                "address, and the login lockout would lock them out together.",
                hint="Set TRUSTED_PROXIES to the number of proxies that append to "
                "X-Forwarded-For (1 behind one proxy).",
                id="backoffice.W003",
            )
        ]
    return []
