"""OpenAPI generation tweaks (kept apart from core.api: importing drf-spectacular's AutoSchema
there would import DRF's generics while DRF is still reading its settings)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """Names a GET on a collection path `…_list` (APIViews do not say they list)."""

    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        is_collection = not self.path.rstrip("/").endswith("}")
        if self.method == "GET" and is_collection and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id
