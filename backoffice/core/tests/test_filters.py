"""Every list API filters through a FilterSet, and the committed schema documents each of
its parameters with a type that says what a good value is."""

import re
from pathlib import Path

import django_filters
import pytest
import yaml
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from backoffice.accounts.models import Region
from backoffice.core.api import filtered
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.filters import IdFilter, IsoDateFilter, StrictBooleanFilter

SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml"


def _list_views() -> dict[str, type]:
    """GET endpoints of the API by schema path ({id} for any path parameter)."""
    return {
        re.sub(r"\{\w+\}", "{id}", path): callback.cls
        for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints()
        if method == "GET"
    }


def test_every_list_api_declares_a_filterset():
    lists = {
        path: view for path, view in _list_views().items() if view.__name__.endswith("ListApi")
    }
    assert len(lists) >= 20
    missing = [
        view.__name__ for view in lists.values() if not getattr(view, "filterset_class", None)
    ]
    assert missing == []


def test_the_schema_documents_every_filter_of_every_list():
    paths = yaml.safe_load(SCHEMA.read_text())["paths"]
    checked = 0
    for path, view in _list_views().items():
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None:
            continue
        documented = {
            p["name"]: p["schema"] for p in paths[path]["get"]["parameters"] if p["in"] == "query"
        }
        for name, filter_field in filterset_class.base_filters.items():
            assert name in documented, f"{path}: ?{name}= is not in the schema"
            schema = documented[name]
            if isinstance(filter_field, IdFilter):
                assert schema["type"] == "integer", (path, name)
            elif isinstance(filter_field, IsoDateFilter):
                assert schema.get("format") == "date", (path, name)
            elif isinstance(filter_field, StrictBooleanFilter):
                assert schema["type"] == "boolean", (path, name)
            elif isinstance(choices := filter_field.extra.get("choices"), list):
                assert schema["enum"] == sorted(code for code, _label in choices), (path, name)
            checked += 1
    assert checked >= 40


class _RegionFilter(django_filters.FilterSet):
    is_active = StrictBooleanFilter()
    since = IsoDateFilter(field_name="created_at", lookup_expr="date__gte")

    class Meta:
        model = Region
        fields: list[str] = []


def _get(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/api/v1/x/?{query}"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("is_active=1", "is_active"),
        ("is_active=", None),
        ("since=01%2F05%2F2026", "since"),  # a US date: Django's default formats take it
    ],
)
def test_filtered_names_each_refused_parameter(region_north, query, field):
    if field is None:  # an empty value is no filter
        assert list(filtered(_get(query), _RegionFilter, Region.objects.all())) == [region_north]
        return
    with pytest.raises(ValidationFailed) as refused:
        filtered(_get(query), _RegionFilter, Region.objects.all())
    assert list(refused.value.extra["fields"]) == [field]
