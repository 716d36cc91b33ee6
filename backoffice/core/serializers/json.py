"""`--format json`, exact to the microsecond (see the package)."""

from django.core.serializers import json as django_json

from backoffice.core.serializers import ExactJSONEncoder

Deserializer = django_json.Deserializer


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = self.options.get("cls", ExactJSONEncoder)
