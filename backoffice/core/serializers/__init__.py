"""Fixture formats for `dumpdata`/`loaddata` (settings.SERIALIZATION_MODULES): Django's JSON
formats with datetimes and times kept to the microsecond. Django's encoder cuts them to
milliseconds (ECMA-262's format), so a dump of the audit trail came back with other
timestamps than it went out with."""

import datetime

from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)
