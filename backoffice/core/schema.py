"""OpenAPI generation tweaks (kept apart from core.api: importing drf-spectacular's AutoSchema
there would import DRF's generics while DRF is still reading its settings)."""

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Any unique text (a UUID), at most 255 characters. A retry with the same key and"
        " body gets the first answer (header `Idempotent-Replayed: true`) without doing it"
        " again; the same key with another body: 409 `idempotency_key_reused`; while the"
        " first is still running: 409 `idempotency_key_in_progress`. A refused request"
        " (4xx) releases its key. Keys expire after a day."
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "The ETag of the detail read. When the record changed since: 412"
        " `precondition_failed` (`extra.current_version`). Without it the change is made"
        " (428 `precondition_required` where the deployment requires it)."
    ),
)


class FilterSetBackend(DjangoFilterBackend):
    """Stands for a list APIView's `filterset_class` in the schema; the view itself applies
    the FilterSet with `core.api.filtered` (APIViews have no filter backends)."""


class FilterSetParameters(DjangoFilterExtension):
    """drf-spectacular's django-filter introspection (types, enums from TextChoices, help
    texts), with the model taken from the FilterSet, since an APIView has no queryset."""

    target_class = FilterSetBackend
    match_subclasses = False
    priority = 1  # before drf-spectacular's own, which matches every DjangoFilterBackend

    def get_schema_operation_parameters(self, auto_schema: Any, *args: Any, **kwargs: Any):
        filterset_class = auto_schema.view.filterset_class
        model = filterset_class._meta.model
        parameters = []
        for name, filter_field in filterset_class.base_filters.items():
            for parameter in self.resolve_filter_field(
                auto_schema, model, filterset_class, name, filter_field
            ):
                # A type fixed with extend_schema_field (ids) loses the help text otherwise.
                help_text = filter_field.extra.get("help_text")
                if help_text and not parameter.get("description"):
                    parameter["description"] = str(help_text)
                parameters.append(parameter)
        return parameters


class AutoSchema(SpectacularAutoSchema):
    def get_operation_id(self) -> str:
        """Names a GET on a collection path `…_list` (APIViews do not say they list)."""
        operation_id = super().get_operation_id()
        is_collection = not self.path.rstrip("/").endswith("}")
        if self.method == "GET" and is_collection and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def get_filter_backends(self) -> list[Any]:
        """A GET of a view that names a `filterset_class` documents that FilterSet's
        parameters: each list declares its filters once, for both the query and the schema."""
        if self.method == "GET" and getattr(self.view, "filterset_class", None) is not None:
            return [FilterSetBackend]
        return super().get_filter_backends()

    def get_override_parameters(self) -> list[Any]:
        """Every POST takes an Idempotency-Key, every PATCH/PUT an If-Match
        (core.idempotency, core.versions)."""
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY)
        elif self.method in ("PATCH", "PUT"):
            parameters.append(IF_MATCH)
        return parameters


# Every error has one body (core.api.error_body); these are the answers any operation may give
# besides its own (a bad parameter, a token missing or not allowed, a record not found or not
# visible, a rule broken, a body too large or of another type, too many attempts, a database
# briefly unreachable). Documented once, by this hook, rather than on each view.
_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "extra": {"type": "object", "additionalProperties": {}},
    },
    "required": ["code", "message", "extra"],
}
_ERRORS = {
    "400": "Bad input: `extra.fields` names each field or parameter and why.",
    "401": "Not logged in: no token, or an invalid one.",
    "403": "Not allowed.",
    "404": "Not found, or not visible to the caller.",
    "405": "Method not allowed.",
    "409": "A rule of the business refused it (the code says which).",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests: try again later.",
    "503": "The database is briefly unreachable: try again after `Retry-After` seconds.",
}
_ALWAYS = ("400", "404", "405", "429", "503")
_WRITES = ("409", "413", "415")


def error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the common error answers on every operation, each
    a reference to one shared response (components.responses.Error<status>)."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).setdefault("Error", _ERROR_SCHEMA)
    shared = components.setdefault("responses", {})
    for code, description in _ERRORS.items():
        shared[f"Error{code}"] = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = list(_ALWAYS)
            if operation.get("security") != [{}] and operation.get("security", [None]):
                codes += ["401", "403"]
            if method in ("post", "put", "patch", "delete"):
                codes += list(_WRITES)
            responses = operation["responses"]
            for code in sorted(codes):
                responses.setdefault(code, {"$ref": f"#/components/responses/Error{code}"})
    return result
