import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# Everything loaded so far (the apps, their models, the URLs: read now rather than at the
# first request) lives as long as the process. Frozen, the garbage collector no longer
# walks it at each full collection: that walk (some 350,000 objects) took 0.5 to 0.8 s,
# about once every 20 orders created, submitted and audited (`python -m bench orderapi`).
get_resolver().url_patterns  # noqa: B018 - imports every URL module
gc.collect()
gc.freeze()
