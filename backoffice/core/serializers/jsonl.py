"""`--format jsonl`, exact to the microsecond (see the package)."""

from django.core.serializers import jsonl as django_jsonl

from backoffice.core.serializers import ExactJSONEncoder

Deserializer = django_jsonl.Deserializer


class Serializer(django_jsonl.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = self.options.get("cls", ExactJSONEncoder)
