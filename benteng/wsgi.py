"""The WSGI application of the production server (gunicorn ``benteng.wsgi:application``)."""

import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benteng.settings")
application = get_wsgi_application()


def _settle() -> None:
    """Import every view now and keep what is loaded out of the garbage collector's way.

    A worker holds a few hundred thousand long-lived objects (modules, models, URL patterns,
    the API schema); a full collection walked all of them and stopped the request at hand for
    about 70 ms. Frozen, they are never walked again; only what requests create is collected.
    """

    get_resolver(settings.ROOT_URLCONF).url_patterns  # noqa: B018 - imports every view
    gc.collect()
    gc.freeze()


_settle()
