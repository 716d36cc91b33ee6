"""OpenAPI generation tweaks (kept apart from core.api: importing drf-spectacular's AutoSchema
there would import DRF's generics while DRF is still reading its settings)."""

from typing import Any

from django_filters import ChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

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
                if parameter.get("schema", {}).get("format") == "date":
                    _with_text(parameter, date_window_text(name))
                # Choices given by a callable are no enum to drf-spectacular; one that reads
                # no database (a registry filled at start-up) says so with `in_schema`.
                choices = filter_field.extra.get("choices")
                if isinstance(filter_field, ChoiceFilter) and getattr(choices, "in_schema", False):
                    parameter["schema"]["enum"] = [value for value, _label in choices()]
                parameters.append(parameter)
        return parameters


def date_window_text(name: str) -> str:
    """The window an input date must fall in (core.inputs.date_window), in words: its ends
    move with the settings and the calendar, so the static schema cannot give them."""
    from backoffice.core.inputs import LOOK_AHEAD_DATES

    end = (
        "`DATE_HORIZON_YEARS` years ahead"
        if LOOK_AHEAD_DATES.search(name)
        else "the end of next year"
    )
    return f"A date from the company's start (`COMPANY_START_DATE`) to {end}."


def _with_text(schema: dict[str, Any], text: str) -> None:
    """`text` after the description `schema` (a field's or a parameter's) has."""
    before = str(schema.get("description") or "").rstrip()
    if before and not before.endswith("."):
        before += "."
    schema["description"] = f"{before} {text}".strip()


def decimal_pattern(field: serializers.DecimalField) -> str:
    """The text a DecimalField accepts (core.inputs): ASCII digits, [0-9] and never \\d, at most
    its whole digits and decimal places (core.money.DIGITS), with a sign only when it may be
    negative and never all zeros when it must be above zero."""
    whole, places = field.max_whole_digits, field.decimal_places
    digits = "0" if field.max_value is not None and field.max_value < 1 else f"[0-9]{{1,{whole}}}"
    number = rf"(?:{digits}(?:\.[0-9]{{1,{places}}})?)" if places else digits
    low = field.min_value
    if low is None or low < 0:
        return rf"^-?{number}$"
    if low > 0:
        return rf"^(?![0.]*$){number}$"
    return rf"^{number}$"


def decimal_bounds(field: serializers.DecimalField) -> str:
    """The bounds a DecimalField checks, said in words (a string schema has no minimum)."""
    bounds = [
        f"{word} {value}"
        for word, value in (("at least", field.min_value), ("at most", field.max_value))
        if value is not None
    ]
    return ", ".join(bounds)


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        """Decimals (text, COERCE_DECIMAL_TO_STRING) get the pattern of what is accepted; a
        list of objects that may not be empty says so."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and not field.allow_empty:
            schema["minItems"] = max(1, field.min_length or 0)
        if isinstance(field, serializers.DecimalField) and schema.get("format") == "decimal":
            schema["pattern"] = decimal_pattern(field)
            bounds = decimal_bounds(field)
            if bounds and direction == "request":
                _with_text(schema, bounds)
        is_date = isinstance(field, serializers.DateField) and schema.get("format") == "date"
        if is_date and direction == "request" and not field.read_only:
            _with_text(schema, date_window_text(field.field_name or ""))
        return schema

    def _get_pagination_parameters(self) -> list[dict[str, Any]]:
        """A list answered by core.api.paginate (its schema from core.api.paginated_schema)
        documents `limit` and `offset`: APIViews are no list views to drf-spectacular."""
        responses = self.get_response_serializers()
        main = responses.get(200) if isinstance(responses, dict) else responses
        if self.method == "GET" and type(main).__name__.startswith("Paginated"):
            from backoffice.core.api import Pagination

            return Pagination().get_schema_operation_parameters(self.view)
        return super()._get_pagination_parameters()

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
    "412": "`precondition_failed`: the record changed since the ETag sent in If-Match.",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "428": "`precondition_required`: this deployment requires If-Match on every change.",
    "429": "Too many requests: try again later.",
    "503": "The database is briefly unreachable: try again after `Retry-After` seconds.",
}
_ALWAYS = ("400", "404", "405", "429", "503")
_WRITES = ("409", "413", "415")
_VERSIONED = ("412", "428")  # a PATCH or PUT with If-Match (core.versions)


def error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the common error answers on every operation, each
    a reference to one shared response (components.responses.Error<status>); and every query
    parameter may be sent empty, which means not given (django-filter, core.api.query_date)."""
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
            if method in ("put", "patch"):
                codes += list(_VERSIONED)
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    # `?date_to=` is "not given", as a form's empty field sends it
                    parameter["allowEmptyValue"] = True
            responses = operation["responses"]
            for code in sorted(codes):
                responses.setdefault(code, {"$ref": f"#/components/responses/Error{code}"})
    return result
