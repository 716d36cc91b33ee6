import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# Everything loaded so far (the apps, their models, the URLs: read now rather than at the
# first request) lives as long as the process. Frozen, the garbage collector no longer
# walks it at each full collection: that walk took some 40 ms per order (create, submit,
# audit) in `python -m bench orderapi`, in pauses of half a second every few requests.
get_resolver().url_patterns  # noqa: B018 - imports every URL module
gc.collect()
gc.freeze()
