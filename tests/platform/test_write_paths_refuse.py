"""Decision 0005, through HTTP: a user who holds no permission changes nothing through any
write path of the API. Every route that accepts POST, PATCH, PUT or DELETE is tried, with a
record that exists for the detail routes; none answers 2xx or 5xx, and the audit trail (which
every change writes) stays as it was."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from backoffice.audit.models import AuditEvent

WRITES = ("post", "patch", "put", "delete")


def _write_routes() -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                route = prefix + str(pattern.pattern)
                if view is None or not route.startswith("api/v1/") or "auth/" in route:
                    continue
                routes.extend((method, route) for method in WRITES if hasattr(view, method))

    walk(get_resolver().url_patterns, "")
    return sorted(routes)


ROUTES = _write_routes()


def test_the_api_has_write_routes_to_walk():
    assert len(ROUTES) > 30


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
def test_a_user_without_permissions_changes_nothing(api, method, route, outsider, issued):
    # `issued` gives every kind of record an id 1 or more to aim at (order, delivery, invoice,
    # customer, receivable…); the outsider may see none of them.
    url = "/" + re.sub(r"<(?:int:|str:|path:)?\w+>", str(issued.pk), route)
    before = AuditEvent.objects.count()
    api.force_authenticate(outsider)
    response = getattr(api, method)(url, {}, format="json")
    assert response.status_code in (400, 403, 404, 405, 409), (url, response.status_code)
    assert AuditEvent.objects.count() == before
