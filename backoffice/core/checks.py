"""Deployment checks of our own settings (`manage.py check --deploy`, `make check-deploy`)."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
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
